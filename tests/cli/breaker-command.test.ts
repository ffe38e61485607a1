/**
 * Issue 12 point 7: `brain breaker status|resume|halt`. With the daemon running the command reaches it
 * over the control socket (one event to the supervisor) and trading resumes; with the daemon stopped the
 * stored breaker is changed under the single-instance lock, and the next boot starts from it.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { BREAKER_ACTOR_ID, type BreakerRecord } from '../../machines/breaker.machine.ts';
import { main } from '../../src/cli/main.ts';
import type { Clock } from '../../src/clock/clock.ts';
import { startControlServer } from '../../src/control/socket/server.ts';
import { supervisorPort } from '../../src/control/supervisor-port.ts';
import { durableRecords } from '../../actors/supervisor/reconcile.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { databaseLockPath } from '../../src/lock/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { controlDeps } from '../control/fixtures.ts';
import { bootState, startSupervisor } from '../machines/supervisor.fixtures.ts';
import { fakeIo, type FakeIo } from './fake-io.ts';

const quiet = createLogger({ level: 'silent', pretty: false, destination: { write: () => undefined }, secrets: [] });

async function brain(io: FakeIo, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const [o, e] = [io.out().length, io.err().length];
  const code = await main(argv, io);
  return { code, out: io.out().slice(o), err: io.err().slice(e) };
}

function storedBreaker(dbPath: string): BreakerRecord | null {
  const db = openDatabase({ path: dbPath });
  try {
    return durableRecords(createRepositories(db), quiet).breaker;
  } finally {
    db.close();
  }
}

describe('brain breaker with the daemon running (control socket)', () => {
  it('halt and resume reach the running supervisor; after the resume a buy is acted again', async () => {
    const s = startSupervisor();
    await s.running();
    const io = fakeIo({ 'config/settings.toml': '[control]\nsocketPath = "data/brain.sock"\n' });
    const deps = controlDeps({ supervisor: supervisorPort(s.actor, s.clock as unknown as Clock) }, s.clock as unknown as Clock);
    const server = await startControlServer({
      path: join(io.cwd, 'data/brain.sock'),
      deps,
      log: quiet,
      audit: (e) => void createRepositories(deps.db).audit.record(e),
    });
    try {
      expect(statSync(server.path).mode & 0o777).toBe(0o600);
      expect(await brain(io, 'breaker', 'halt')).toMatchObject({
        code: 0,
        out: 'Breaker halted: no new entries, exits still pass. /resetbreaker (brain breaker resume) lifts it.\n',
      });
      expect(s.actor.getSnapshot().context.breaker).toBe('halted');
      expect((await s.signal('BTC/USD', 'buy', 100)).signal!.verdict.outcome).toBe('rejected');
      expect((await brain(io, 'breaker', 'status')).out).toMatch(/level\s+halted/);
      const unconfirmed = await brain(io, 'breaker', 'resume');
      expect(unconfirmed).toMatchObject({ code: 2, out: '' });
      expect(unconfirmed.err).toMatch(/^Lift the halted breaker.*\nNothing was done: run it again with --yes to confirm \(brain breaker resume --yes\)/s);
      expect(s.actor.getSnapshot().context.breaker).toBe('halted');
      expect(await brain(io, 'breaker', 'resume', '--yes')).toMatchObject({ code: 0, out: expect.stringMatching(/^Breaker resumed \(was halted\)/) });
      expect(s.actor.getSnapshot().context.breaker).toBe('active');
      expect((await s.signal('BTC/USD', 'buy', 100)).signal!.verdict.outcome).toBe('acted');
      const audit = createRepositories(deps.db)
        .audit.recent(10)
        .map((a) => `${a.who} ${a.what} ${(a.details as { outcome: string }).outcome}`);
      expect(audit[0]).toMatch(/^cli:\S+ command\.resetbreaker done$/);
    } finally {
      await server.close();
    }
  });

  it('bad arguments are usage errors and nothing is sent', async () => {
    const io = fakeIo();
    expect(await brain(io, 'breaker', 'reset')).toMatchObject({ code: 2, err: expect.stringMatching(/expected status, resume or halt, got "reset"/) });
    expect(await brain(io, 'breaker', 'halt', 'now')).toMatchObject({ code: 2, err: expect.stringMatching(/breaker halt takes no arguments, got "now"/) });
  });
});

describe('brain breaker with the daemon stopped (database)', () => {
  function stoppedDaemon(): { io: FakeIo; dbPath: string } {
    const io = fakeIo({ 'config/settings.toml': '' });
    const dbPath = join(io.cwd, 'data/brain.db');
    openDatabase({ path: dbPath }).close();
    return { io, dbPath };
  }

  it('halt and resume change the stored breaker under the lock, and the next boot starts from it', async () => {
    const { io, dbPath } = stoppedDaemon();
    expect((await brain(io, 'breaker', 'status')).out).toMatch(
      /level\s+active\nreason\s+-\nsince\s+never tripped[\s\S]*not running: this is the stored breaker/,
    );
    expect(await brain(io, 'breaker', 'halt')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^Breaker halted: .*the daemon is not running: the stored breaker was changed/),
    });
    const halted = storedBreaker(dbPath)!;
    expect(halted).toMatchObject({ value: 'halted', context: { reason: 'manual' } });
    // The next boot resumes the halted breaker: entries are refused.
    const first = startSupervisor({ boot: bootState({ breaker: halted }) });
    await first.running();
    expect((await first.signal('BTC/USD', 'buy', 100)).signal!.verdict.outcome).toBe('rejected');
    first.actor.stop();

    expect((await brain(io, 'breaker', 'status')).out).toMatch(/level\s+halted\nreason\s+an operator halted it/);
    expect(await brain(io, 'breaker', 'resume', '--yes')).toMatchObject({ code: 0, out: expect.stringMatching(/^Breaker resumed \(was halted\)/) });
    const resumed = storedBreaker(dbPath)!;
    expect(resumed).toMatchObject({ value: 'active', context: { reason: null, consecutiveLosses: 0 } });
    const second = startSupervisor({ boot: bootState({ breaker: resumed }) });
    await second.running();
    expect(second.actor.getSnapshot().context.breaker).toBe('active');
    expect((await second.signal('BTC/USD', 'buy', 100)).signal!.verdict.outcome).toBe('acted');
    const db = openDatabase({ path: dbPath, readonly: true });
    expect(createRepositories(db).risk.get()).toMatchObject({ state: 'active', consecutiveLosses: 0 });
    expect(
      createRepositories(db)
        .audit.recent(5)
        .map((a) => a.what),
    ).toEqual(['command.resetbreaker', 'command.halt']);
    db.close();
  });

  it('a losing-streak halt persisted by the daemon is lifted; a drawdown halt that still holds is refused and stays', async () => {
    const { io, dbPath } = stoppedDaemon();
    const s = startSupervisor({ limits: { maxConsecutiveLosses: 1 } });
    await s.running();
    await s.openPosition('BTC/USD', 100);
    await s.closePosition('BTC/USD', 90);
    await waitFor(s.actor, (x) => x.context.breaker === 'halted');
    const streak = s.actor.getSnapshot().children[BREAKER_ACTOR_ID]!.getPersistedSnapshot() as unknown as BreakerRecord;
    const write = (record: BreakerRecord) => {
      const db = openDatabase({ path: dbPath });
      createRepositories(db).machineSnapshots.save({
        actorId: BREAKER_ACTOR_ID,
        machine: 'breaker',
        machineVersion: '1',
        snapshot: { value: record.value, context: record.context },
        updatedAt: 0,
      });
      db.close();
    };
    write(streak);
    expect(await brain(io, 'breaker', 'resume', '--yes', '--set', 'risk.maxConsecutiveLosses=1')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^Breaker resumed/),
    });
    write({
      value: 'halted',
      context: { ...streak.context, reason: 'drawdown', consecutiveLosses: 0, marks: { equity: 8000, peakEquity: 10_000, dayStartEquity: 8000 } },
    });
    const refused = await brain(io, 'breaker', 'resume', '--yes');
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/^Resume refused: the drawdown from peak passed risk.maxDrawdownFraction/) });
    expect(storedBreaker(dbPath)!.value).toBe('halted');
  });

  it('refuses to touch the database while another process holds the lock, and says who', async () => {
    const { io, dbPath } = stoppedDaemon();
    writeFileSync(databaseLockPath(dbPath), `${process.ppid}\nsomeone-else\n`);
    const r = await brain(io, 'breaker', 'halt');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`another brain is running \\(pid ${process.ppid}`));
    expect(storedBreaker(dbPath)).toBeNull();
  });
});
