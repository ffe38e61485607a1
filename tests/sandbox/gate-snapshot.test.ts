/**
 * The gate process started from the build's startup snapshot (src/build/gate-snapshot.ts,
 * src/sandbox/gates/snapshot-main.ts): the verdicts of the in-process pipeline, the checkout's contract
 * as it is at the check (the snapshot holds only the compiler and its library), and used only where it
 * was made for this Node.js, CPU, checkout and compiler.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateSnapshot } from '../../src/build/gate-snapshot.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { GateProcess } from '../../src/sandbox/gates/child-process.ts';
import type { GateOutcome } from '../../src/sandbox/gates/pipeline.ts';
import { GatePipeline } from '../../src/sandbox/gates/pipeline.ts';
import { gateSnapshotFiles, gateSnapshotStamp, usableGateSnapshot } from '../../src/sandbox/gates/snapshot.ts';
import type { GateInput } from '../../src/sandbox/gates/types.ts';

const LIMITS = { idleMs: 60_000, deadlineMs: 60_000 };
const active = readFileSync(join(PROJECT_ROOT, 'strategy/active/strategy.ts'), 'utf8');
const statistics = readFileSync(join(PROJECT_ROOT, 'statistics/active/market_analysis.ts'), 'utf8');
const CORPUS: Array<[string, GateInput]> = [
  ['the active strategy', { kind: 'strategy', source: active }],
  ['the active statistics module', { kind: 'statistics', source: statistics }],
  ['a type error', { kind: 'strategy', source: active.replace('export default', 'const wrong: number = "1";\nexport default') }],
  ['a banned call', { kind: 'strategy', source: 'export default eval("1");' }],
  [
    'a string-built key',
    { kind: 'strategy', source: `const o: Record<string, number> = {};\nconst k = 'constr' + 'uctor';\nexport const v = o[k];\nexport default {};\n` },
  ],
  ['an import from outside the fence', { kind: 'strategy', source: `import { readFileSync } from 'node:fs';\nexport default readFileSync;\n` }],
];
/** Stage timings differ from run to run; everything else must not. */
const verdict = (o: GateOutcome) => ({ ...o, stages: o.stages.map((s) => ({ gate: s.gate, ok: s.ok })) });
/** A gate process for `root` from `snapshot`, closed once `use` is done. */
async function withGates(root: string, snapshot: string, use: (gates: GateProcess) => Promise<void>): Promise<void> {
  const gates = new GateProcess(root, LIMITS, snapshot);
  try {
    await use(gates);
  } finally {
    await gates.close();
  }
}

let dir: string;
let blob: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gate-snapshot-'));
  blob = await buildGateSnapshot(join(dir, 'dist'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the gate process from its startup snapshot', () => {
  it('gives the verdicts of the pipeline in this process, bundle included', async () => {
    const here = new GatePipeline(PROJECT_ROOT);
    await withGates(PROJECT_ROOT, blob, async (snapshotted) => {
      for (const [what, input] of CORPUS) {
        const [a, b] = [await snapshotted.run(input), await here.run(input)];
        expect(verdict(a), what).toEqual(verdict(b));
      }
      expect(await snapshotted.paramSlots('export default { meta: { params: { n: { default: 3 } } } };')).toMatchObject({ ok: true, slots: [{ name: 'n' }] });
      expect(snapshotted.startedFrom).toBe('snapshot');
    });
  }, 120_000);

  it("reads the checkout's contract at the check, not at the snapshot's making", async () => {
    const repo = join(dir, 'repo');
    for (const part of ['src/contract', 'strategy/skills']) cpSync(join(PROJECT_ROOT, part), join(repo, part), { recursive: true });
    mkdirSync(join(repo, 'strategy/active'), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(join(repo, 'package.json'), readFileSync(join(PROJECT_ROOT, 'package.json')));
    // A contract whose candle close is text: the active strategy, which passes against the real one, multiplies it.
    const contract = join(repo, 'src/contract/strategy.ts');
    writeFileSync(contract, readFileSync(contract, 'utf8').replace('readonly close: number;', 'readonly close: string;'));
    await withGates(repo, blob, async (gates) => {
      const out = await gates.run({ kind: 'strategy', source: active });
      expect(out).toMatchObject({ ok: false, issues: expect.arrayContaining([expect.objectContaining({ gate: 'types', rule: 'TS2362' })]) });
      expect(verdict(out)).toEqual(verdict(await new GatePipeline(repo).run({ kind: 'strategy', source: active })));
    });
  }, 60_000);

  it('starts the gate process whatever V8 flags the build ran under (the Docker image sets NODE_OPTIONS)', async () => {
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--max-semi-space-size=2';
    let made: string;
    try {
      made = await buildGateSnapshot(join(dir, 'flags'));
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
    await withGates(PROJECT_ROOT, made, async (gates) => {
      expect(await gates.run(CORPUS[3]![1])).toMatchObject({ ok: false });
      expect(gates.startedFrom).toBe('snapshot');
    });
  }, 60_000);

  it('gives way to the forked gate process when V8 cannot start from it, and the run waits for that one', async () => {
    const damaged = join(dir, 'damaged.blob');
    writeFileSync(damaged, 'not a snapshot');
    await withGates(PROJECT_ROOT, damaged, async (gates) => {
      const [what, input] = CORPUS[3]!;
      expect(verdict(await gates.run(input)), what).toEqual(verdict(await new GatePipeline(PROJECT_ROOT).run(input)));
      expect(gates.startedFrom).toBe('fork');
      // And so does the next process, once this one has ended.
      await gates.close();
      expect(verdict(await gates.run(input))).toEqual(verdict(await new GatePipeline(PROJECT_ROOT).run(input)));
      expect(gates.startedFrom).toBe('fork');
    });
  }, 60_000);

  it('is not used once a build that would replace it fails', async () => {
    const at = join(dir, 'failing');
    const files = gateSnapshotFiles(at);
    mkdirSync(at, { recursive: true });
    cpSync(blob, files.blob);
    writeFileSync(files.stamp, JSON.stringify(gateSnapshotStamp(PROJECT_ROOT)));
    expect(usableGateSnapshot(PROJECT_ROOT, at)).toBe(files.blob);
    // esbuild cannot write the snapshot's script where a folder stands: the build stops there.
    mkdirSync(join(at, 'gate-snapshot-entry.cjs'));
    await expect(buildGateSnapshot(at)).rejects.toThrow();
    expect(usableGateSnapshot(PROJECT_ROOT, at)).toBeNull();
  }, 60_000);

  it('is used only where Node.js, CPU, checkout and compiler are those it was made for', () => {
    const at = join(dir, 'dist');
    expect(usableGateSnapshot(PROJECT_ROOT, at)).toBe(blob);
    expect(usableGateSnapshot(join(dir, 'elsewhere'), at)).toBeNull();
    // Not the build's process: no snapshot is looked for (the sources run through tsx here).
    expect(usableGateSnapshot(PROJECT_ROOT)).toBeNull();
    const { stamp } = gateSnapshotFiles(at);
    const made = gateSnapshotStamp(PROJECT_ROOT);
    for (const other of [{ node: 'v0.0.1' }, { arch: 'mips' }, { typescript: '0.0.1' }, {}]) {
      writeFileSync(stamp, JSON.stringify({ ...made, ...other }));
      expect(usableGateSnapshot(PROJECT_ROOT, at), JSON.stringify(other)).toBe(Object.keys(other).length === 0 ? blob : null);
    }
    writeFileSync(stamp, '{"node": ');
    expect(usableGateSnapshot(PROJECT_ROOT, at)).toBeNull();
    writeFileSync(stamp, JSON.stringify(made));
    rmSync(blob);
    expect(usableGateSnapshot(PROJECT_ROOT, at)).toBeNull();
  });
});
