import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/config/dotenv.ts';

describe('.env parsing', () => {
  it('reads plain, exported, quoted and commented lines', () => {
    const text = [
      '# comment',
      'A=plain value  # trailing comment',
      'export B=exported',
      'C="double \\"quoted\\"\\nnext line" # note',
      "D='single # not a comment'",
      'E=',
      '',
      'F=a=b=c',
    ].join('\r\n');
    expect(parseDotenv(text)).toEqual({
      vars: { A: 'plain value', B: 'exported', C: 'double "quoted"\nnext line', D: 'single # not a comment', E: '', F: 'a=b=c' },
      badLines: [],
    });
  });

  it('reports lines that are not KEY=VALUE and unterminated quotes by line number', () => {
    expect(parseDotenv('OK=1\nno equals here\nX="open\n1BAD=2').badLines).toEqual([2, 3, 4]);
  });
});
