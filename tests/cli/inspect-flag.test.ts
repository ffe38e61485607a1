import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command.ts';
import { takeInspectFlag } from '../../src/cli/inspect-flag.ts';

describe('--inspect [PORT]', () => {
  it('takes the flag with or without a port, in either spelling, and leaves the rest', () => {
    expect(takeInspectFlag(['--mode', 'paper'])).toEqual({ port: null, rest: ['--mode', 'paper'] });
    expect(takeInspectFlag(['--inspect', '--mode', 'paper'])).toEqual({ port: 8080, rest: ['--mode', 'paper'] });
    expect(takeInspectFlag(['--inspect', '9000', '--sim', '60'])).toEqual({ port: 9000, rest: ['--sim', '60'] });
    expect(takeInspectFlag(['--inspect=0'])).toEqual({ port: 0, rest: [] });
  });

  it('refuses a port out of range, naming it', () => {
    expect(() => takeInspectFlag(['--inspect=70000'])).toThrow(UsageError);
    expect(() => takeInspectFlag(['--inspect=abc'])).toThrow('--inspect takes a port 0..65535 (0 = a free one), got "abc"');
  });
});
