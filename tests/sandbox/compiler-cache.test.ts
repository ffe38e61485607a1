/**
 * The TypeScript compiler loads with V8's code cache (compiler.ts, through compiler-cache.ts): a cache
 * is written once, taken by the next process, refused and made again when V8 did not write it, and its
 * absence (a folder that cannot be written) costs only the speed. Each load runs in a process of its
 * own that has not loaded the compiler yet (compiler-cache.ts, not compiler.ts, which loads it at
 * once): within one process V8 finds the script in its own compilation cache and never reads the file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const root = mkdtempSync(join(tmpdir(), 'brain-ts-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LOAD = (dir: string) => `
  import { createRequire } from 'node:module';
  import { loadCompiler } from ${JSON.stringify(join(PROJECT_ROOT, 'src/sandbox/gates/compiler-cache.ts'))};
  const c = loadCompiler(createRequire(import.meta.url).resolve('typescript'), ${JSON.stringify(dir)});
  const out = c.ts.transpileModule('const a: number = 1; export default a;', {}).outputText;
  process.stdout.write(JSON.stringify({ fromCache: c.fromCache, kept: c.keep(), out }));
`;

/** One process loading the compiler with its cache in `dir`, then keeping its code. */
const load = (dir: string): { fromCache: boolean; kept: boolean; out: string } =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', LOAD(dir)], { cwd: PROJECT_ROOT, encoding: 'utf8' }),
  );

describe('the compiler with a code cache', () => {
  it('writes its cache once, the next process takes it, refuses one V8 did not write and writes a good one', () => {
    const dir = join(root, 'cache');
    const first = load(dir);
    expect(first).toMatchObject({ fromCache: false, kept: true, out: expect.stringContaining('const a = 1') });
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^typescript-[0-9a-f]{16}-v8-.+\.cache$/);
    expect(load(dir)).toEqual({ ...first, fromCache: true });
    writeFileSync(join(dir, file!), Buffer.alloc(4096, 7));
    expect(load(dir)).toEqual(first);
    expect(readFileSync(join(dir, file!)).length).toBeGreaterThan(4096);
    expect(load(dir).fromCache).toBe(true);
  }, 60_000);

  it("keeps one compiler's cache: an earlier compiler's goes when the current one's is written", () => {
    const dir = join(root, 'old');
    load(dir);
    const [current] = readdirSync(dir);
    writeFileSync(join(dir, 'typescript-0000000000000000-v8-0-x64.cache'), 'an earlier compiler');
    rmSync(join(dir, current!));
    expect(load(dir).kept).toBe(true);
    expect(readdirSync(dir)).toEqual([current]);
  }, 60_000);

  it('works without a cache when its folder cannot be made', () => {
    writeFileSync(join(root, 'a-file'), 'a file where the folder should be');
    const r = load(join(root, 'a-file', 'cache'));
    expect(r).toMatchObject({ fromCache: false, kept: false, out: expect.stringContaining('const a = 1') });
  }, 60_000);
});
