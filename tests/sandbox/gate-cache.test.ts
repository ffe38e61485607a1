import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedGateRun, type GateCacheSetup } from '../../src/sandbox/gates/cache.ts';
import type { GateOutcome } from '../../src/sandbox/gates/index.ts';
import { sha256 } from '../../src/hash.ts';

// The gates themselves are stood in for by a counting function: what is tested is when the cache
// answers and when it asks them, not the gates (tests/sandbox/escape-gates.test.ts).
let root: string;
let setup: GateCacheSetup;
let runs: number;

function passing(source: string): () => Promise<GateOutcome> {
  return async () => {
    runs += 1;
    const bundle = `var __module = (() => ${JSON.stringify(source)})();`;
    return { ok: true, sourceSha256: sha256(source), bundle, bundleSha256: sha256(bundle), stages: [] };
  };
}

function refusing(source: string): () => Promise<GateOutcome> {
  return async () => {
    runs += 1;
    return { ok: false, sourceSha256: sha256(source), issues: [{ gate: 'ast', rule: 'banned', line: 1, column: 1, message: 'eval is banned' }], stages: [] };
  };
}

const input = (source: string) => ({ kind: 'strategy' as const, source });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'brain-gate-cache-'));
  for (const dir of ['repo/src/contract', 'repo/strategy/skills', 'gates']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'repo/src/contract/strategy.ts'), 'export interface StrategyModule {}\n');
  writeFileSync(join(root, 'repo/strategy/skills/ema.ts'), 'export const ema = 1;\n');
  writeFileSync(join(root, 'gates/pipeline.ts'), '// the gate code\n');
  setup = {
    dir: join(root, 'data/gate-cache'),
    repoRoot: join(root, 'repo'),
    gateCodeDir: join(root, 'gates'),
    toolVersions: { typescript: '6.0.3', esbuild: '0.28.2' },
  };
  runs = 0;
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the static gates verdict cache', () => {
  it('runs the gates once for unchanged content and answers the same verdict after', async () => {
    const first = await cachedGateRun(setup, input('a'), passing('a'));
    const second = await cachedGateRun(setup, input('a'), passing('a'));
    expect(runs).toBe(1);
    expect(second).toEqual(first);
  });

  it.each([
    ['the strategy source', () => 'b'],
    ['the contract', () => (writeFileSync(join(root, 'repo/src/contract/strategy.ts'), 'export interface StrategyModule { x: 1 }\n'), 'a')],
    ['a skill', () => (writeFileSync(join(root, 'repo/strategy/skills/rsi.ts'), 'export const rsi = 1;\n'), 'a')],
    ['the gate code', () => (writeFileSync(join(root, 'gates/pipeline.ts'), '// a stricter gate\n'), 'a')],
    ['the TypeScript version', () => ((setup = { ...setup, toolVersions: { ...setup.toolVersions, typescript: '6.0.4' } }), 'a')],
    ['the esbuild version', () => ((setup = { ...setup, toolVersions: { ...setup.toolVersions, esbuild: '0.29.0' } }), 'a')],
  ])('misses when %s changes', async (_part, change) => {
    await cachedGateRun(setup, input('a'), passing('a'));
    const source = change();
    await cachedGateRun(setup, input(source), passing(source));
    expect(runs).toBe(2);
  });

  it('keeps a refusal a refusal: the cached verdict is the gates’ issues, never a pass', async () => {
    const first = await cachedGateRun(setup, input('eval(1)'), refusing('eval(1)'));
    const second = await cachedGateRun(setup, input('eval(1)'), passing('eval(1)'));
    expect(runs).toBe(1);
    expect(second).toEqual(first);
    expect(second.ok).toBe(false);
  });

  it('does not trust an entry whose bundle was altered: the gates run again and rewrite it', async () => {
    await cachedGateRun(setup, input('a'), passing('a'));
    const [file] = readdirSync(setup.dir);
    const entry = JSON.parse(readFileSync(join(setup.dir, file!), 'utf8'));
    entry.outcome.bundle = 'globalThis.escape()';
    writeFileSync(join(setup.dir, file!), JSON.stringify(entry));
    const again = await cachedGateRun(setup, input('a'), passing('a'));
    expect(runs).toBe(2);
    expect(again.ok && again.bundle).not.toContain('escape');
  });

  it('does not trust an entry filed under another key or one that is not JSON', async () => {
    await cachedGateRun(setup, input('a'), passing('a'));
    const [file] = readdirSync(setup.dir);
    const entry = JSON.parse(readFileSync(join(setup.dir, file!), 'utf8'));
    writeFileSync(join(setup.dir, file!), JSON.stringify({ ...entry, key: 'another' }));
    await cachedGateRun(setup, input('a'), passing('a'));
    writeFileSync(join(setup.dir, file!), '{ half');
    await cachedGateRun(setup, input('a'), passing('a'));
    expect(runs).toBe(3);
  });

  it('always runs the gates without a cache folder', async () => {
    await cachedGateRun(undefined, input('a'), passing('a'));
    await cachedGateRun(undefined, input('a'), passing('a'));
    expect(runs).toBe(2);
  });
});
