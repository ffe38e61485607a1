import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { fakeIo } from './fake-io.ts';

// One database for the file: seeding runs the canary for three modules once, the steps build on each other.
const dir = mkdtempSync(join(tmpdir(), 'brain-strategy-cli-'));
const db = join(dir, 'brain.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = new URL('../../data/sample', import.meta.url).pathname;
const V001 = readFileSync(new URL('../../strategy/active/strategy.ts', import.meta.url), 'utf8');
const RANDOM = V001.replace('const fast = s.fast.value;', 'const fast = s.fast.value * Math.random();');
const V002 = V001.replace("version: 'v001'", "version: 'v002'").replace('rsiMax: { default: 70,', 'rsiMax: { default: 65,');

async function top(...args: string[]) {
  const io = fakeIo({ 'candidate.ts': V002, 'random.ts': RANDOM });
  const code = await main([...args, '--db', db], io);
  return { code, out: io.out(), err: io.err(), cwd: io.cwd };
}
const brain = (...args: string[]) => top('strategy', ...args);

describe('brain strategy', () => {
  it('the fixtures really differ from v001', () => {
    expect(RANDOM).not.toBe(V001);
    expect(V002).not.toBe(V001);
  });

  it('seeds v001 of the strategy and both statistics modules on a fresh database and lists them', async () => {
    const r = await brain('list');
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain('seeded strategy v001');
    expect(r.err).toContain('seeded statistics:market_analysis v001');
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/LABEL\s+ID\s+SLOT\s+STATUS\s+AUTHOR/);
    expect(lines.filter((l) => l.startsWith('*'))).toHaveLength(3);
    expect(r.out).toMatch(/\* +v001 +sha256:\w+ +statistics:trade_performance +deployed +human/);
  }, 60_000);

  it("submit puts a candidate through the pipeline: stored as the active version's child, then judged against it on --data", async () => {
    const r = await brain(
      'submit',
      'candidate.ts',
      '--author',
      'model',
      '--model',
      'claude',
      '--prompt-sha256',
      'a'.repeat(64),
      '--data',
      SAMPLE,
      '--set',
      'evolution.policy.holdoutDays=3',
      '--hypothesis',
      'a lower RSI ceiling avoids late entries',
    );
    expect(r.out).toMatch(/stored v002 sha256:\w+ \(strategy, candidate\)/);
    // Judged on the sample against v001: whichever way it goes, the outcome names itself.
    expect(r.out).toMatch(/passed the gates; paper test \S+ scheduled|refused at (screen|gates) by \w+/);
    expect(r.code).toBe(r.out.includes('refused') ? EXIT.failure : EXIT.ok);
    const show = await brain('show', 'v002');
    expect(show.out).toContain('author   model claude');
    expect(show.out).toMatch(/parent {3}sha256:/);
    expect(show.out).toContain('rsiMax: { default: 65,');
  }, 60_000);

  it('submit rejects a file that fails the gates, naming line and rule, and exits 1', async () => {
    const r = await brain('submit', 'random.ts');
    expect(r.code).toBe(EXIT.failure);
    expect(r.err).toMatch(/random\.ts was rejected:\n\s+\d+:\d+ \[ast\//);
  });

  it('diff shows the changed lines between v001 and v002', async () => {
    const r = await brain('diff', 'v001', 'v002');
    expect(r.out).toContain("-     version: 'v001',");
    expect(r.out).toContain("+     version: 'v002',");
  });

  it('issue 12: promoting a candidate that has not passed the pipeline warns, deploys nothing and asks for --force', async () => {
    const d = await top('promote', 'v002');
    expect(d.code).toBe(EXIT.failure);
    expect(d.err).toMatch(
      /^v002 sha256:\w+ is a candidate that has not passed the pipeline \(no backtest, no paper test\): it would trade untested; nothing was deployed\. Add force to deploy it anyway\./,
    );
    expect((await brain('list', '--kind', 'strategy')).out).toMatch(/\* +v001/);
  });

  it('brain promote --force switches the active strategy and writes the active file; brain rollback returns to v001', async () => {
    const d = await top('promote', 'v002', '--force');
    expect(d.out).toMatch(/^v002 sha256:\w+ is the active strategy in the database/);
    expect(readFileSync(join(d.cwd, 'strategy/active/strategy.ts'), 'utf8')).toBe(V002);
    expect((await brain('list', '--kind', 'strategy')).out).toMatch(/\* +v002/);
    const r = await top('rollback');
    expect(r.out).toMatch(/^strategy rolled back from sha256:\w+ to v001/);
    expect((await brain('list', '--kind', 'strategy')).out).toMatch(/v002 +sha256:\w+ +strategy +rolled_back/);
  });

  it('brain strategy deploy and rollback are retired, naming the one way to do it', async () => {
    for (const [sub, instead] of [
      ['deploy', 'brain promote VERSION [--force]'],
      ['rollback', 'brain rollback [SLOT]'],
    ]) {
      const r = await brain(sub!, 'v002');
      expect(r.code).toBe(EXIT.usage);
      expect(r.err).toContain(`brain strategy ${sub} is retired: use \`${instead}\``);
    }
  });

  it('an unknown version exits 1 with a hint and an unknown subcommand exits 2 with the usage', async () => {
    const unknown = await brain('show', 'v999');
    expect(unknown.code).toBe(EXIT.failure);
    expect(unknown.err).toContain("no version 'v999'; list them with 'brain strategy list'");
    const bad = await brain('frobnicate');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('usage: brain strategy <subcommand>');
  });
});
