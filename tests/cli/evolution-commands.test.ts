/**
 * brain evolve, ledger, papertest, promote and rollback end to end on the bundled sample candles: the
 * evolver's winner (loose thresholds, a handful of candidates) is stored and paper-tested, the ledger
 * shows it, and a person can cancel its test, promote it by content hash and roll it back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { fakeIo } from './fake-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'brain-evolve-cli-'));
const db = join(dir, 'brain.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SAMPLE = new URL('../../data/sample', import.meta.url).pathname;
const LOOSE = [
  'evolution.policy.holdoutDays=3',
  'evolution.policy.minTrades=1',
  'evolution.policy.minDsr=0',
  'evolution.policy.minEdge=-0.01',
  'evolution.policy.jitterMinShare=0',
  'evolution.policy.bootstrapRuns=200',
  'evolution.screen.days=2',
  'evolution.screen.minTrades=0',
  'evolution.screen.maxLoss=1',
  'evolution.evolver.rungSize=6',
  'evolution.evolver.fullGates=1',
].flatMap((kv) => ['--set', kv]);

async function brain(...args: string[]) {
  const io = fakeIo({});
  const code = await main([...args, '--db', db], io);
  return { code, out: io.out(), err: io.err() };
}

describe('the evolution commands', () => {
  let hash = '';
  let testId = '';

  it('brain evolve screens, fully gates the best, stores the winner and schedules its paper test; progress on stderr', async () => {
    const r = await brain('evolve', '--data', SAMPLE, '--max-candidates', '6', '--seed', '5', ...LOOSE);
    expect(r.err).toMatch(/^round 1: 6 drawn, 6 screened, 1 through the full gates/m);
    expect(r.out).toMatch(/screened 6 .*through the full gates 1/);
    expect(r.code).toBe(EXIT.ok);
    // No daemon runs here: the test waits in the database for the next boot.
    expect(r.out).toMatch(/paper test \S+: no daemon runs; it starts at the daemon's next boot/);
    testId = /paper test (\S+) scheduled/.exec(r.out)![1]!;
    hash = /^best ([0-9a-f]{12})/m.exec(r.out)![1]!;
  }, 120_000);

  it('brain ledger lists every candidate and shows one with every gate and its steps', async () => {
    const top = await brain('ledger', '--top', '10');
    expect(top.out.trim().split('\n')).toHaveLength(7);
    expect(top.out).toMatch(new RegExp(`${hash}\\s+paper\\s+pending`));
    const show = await brain('ledger', '--show', hash);
    expect(show.out).toMatch(/pass {2}oosEdge/);
    expect(show.out).toContain('holdout (scored once, not a gate)');
    expect(show.out).toContain('paperTest.scheduled');
    expect((await brain('ledger', '--show', 'zz')).code).not.toBe(EXIT.ok);
  });

  it('brain papertest lists, shows and cancels the scheduled test (no daemon runs: on the database, and its ledger row hears it)', async () => {
    expect((await brain('papertest', 'list')).out).toMatch(new RegExp(`${testId}\\s+\\w+\\s+scheduled`));
    expect((await brain('papertest', 'show', testId)).out).toMatch(/status\s+scheduled/);
    expect((await brain('papertest', 'cancel', testId)).out).toContain(`paper test ${testId} cancelled in the database; nothing is deployed`);
    expect((await brain('papertest', 'list')).out).toMatch(new RegExp(`${testId}\\s+\\w+\\s+cancelled`));
    expect((await brain('ledger', '--show', hash)).out).toMatch(/outcome {3}paper \/ cancelled/);
    const again = await brain('papertest', 'cancel', testId);
    expect(again.code).toBe(EXIT.failure);
    expect(again.err).toContain('already ended cancelled');
  });

  it('brain promote takes the candidate by content hash, refuses it untested until --force, and brain rollback goes back to v001', async () => {
    const untested = await brain('promote', hash);
    expect(untested.code).toBe(EXIT.failure);
    expect(untested.err).toMatch(/^v002 sha256:\w+ is a candidate that has not passed the pipeline .*paper tests cancelled.*Add force/);
    const p = await brain('promote', hash, '--force');
    expect(p.code).toBe(EXIT.ok);
    expect(p.out).toMatch(/^v002 sha256:\w+ is the active strategy in the database: the daemon starts it at its next boot/);
    const show = await brain('ledger', '--show', hash);
    expect(show.out).toMatch(/outcome {3}deployed/);
    const r = await brain('rollback');
    expect(r.out).toMatch(/^strategy rolled back from sha256:\w+ to v001 sha256:/);
    expect((await brain('ledger', '--show', hash)).out).toMatch(/outcome {3}rolledBack/);
  }, 60_000);
});
