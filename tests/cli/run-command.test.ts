import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { EXIT } from '../../src/cli/command.ts';
import { acquirePidLock, databaseLockPath } from '../../src/lock/index.ts';
import { fakeIo, type FakeIo } from './fake-io.ts';

const logLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: number; msg: string; signal?: string; url?: string });
const BOOT = { timeout: 60_000, interval: 50 };
const running = (io: FakeIo) => vi.waitFor(() => expect(io.out()).toContain('"msg":"brain running"'), BOOT);
// Offline: the loopback simulator is the market (tests never touch the internet).
const SIM = ['--sim', '1'];

describe('brain run (the daemon entry)', () => {
  it('boots the daemon against the simulator holding the lock, and on SIGINT stops gracefully, releases the lock and exits 0', async () => {
    const io = fakeIo();
    const lockFile = join(io.cwd, 'data', 'brain.db.lock');
    const exit = main(['run', '--mode', 'paper', ...SIM], io);
    await running(io);
    expect(readFileSync(lockFile, 'utf8').split('\n')[0]).toBe(String(process.pid));
    expect(existsSync(join(io.cwd, 'data', 'brain.db'))).toBe(true);
    io.stop('SIGINT');
    expect(await exit).toBe(EXIT.ok);
    expect(existsSync(lockFile)).toBe(false);
    const msgs = logLines(io.out()).map((l) => l.msg);
    expect(msgs).toEqual(expect.arrayContaining(['brain started', 'brain running', 'shutdown requested', 'stopped']));
    expect(msgs.indexOf('shutdown requested')).toBeLessThan(msgs.indexOf('stopped'));
  }, 90_000);

  it("a second instance exits 1 naming the pid and the lock file, and leaves the first one's lock", async () => {
    const io = fakeIo();
    const lockFile = join(io.cwd, 'data', 'brain.db.lock');
    // The holder must be another live process: our own pid in a lock file means a previous life of ours.
    const first = acquirePidLock({ path: lockFile, pid: process.ppid });
    expect(await main(['run', ...SIM], io)).toBe(EXIT.failure);
    expect(io.err()).toContain(`another brain is running (pid ${process.ppid}, lock file ${lockFile})`);
    expect(first.release()).toBe(true);
  }, 30_000);

  it('--inspect PORT serves the inspector on loopback and prints the exact URL to open', async () => {
    const io = fakeIo();
    const exit = main(['run', '--inspect', '0', '--db', 'run/other.db', ...SIM], io);
    await running(io);
    expect(existsSync(join(io.cwd, 'run', 'other.db.lock'))).toBe(true);
    io.stop();
    expect(await exit).toBe(EXIT.ok);
    const said = logLines(io.out()).find((l) => l.msg.startsWith('inspector listening'));
    expect(said?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(said?.msg).toContain(`open ${String(said?.url)}`);
    expect((said as { ws?: string } | undefined)?.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
  }, 90_000);

  it('inv. 7: secrets from the environment do not appear in the run log, even when live boot fails on them', async () => {
    const secret = 'c2VjcmV0LWtyYWtlbi1rZXktdmFsdWU=';
    const io = fakeIo({}, { KRAKEN_API_KEY: 'kraken-key-value-123', KRAKEN_API_SECRET: secret });
    expect(await main(['run', '--mode', 'live', ...SIM], io)).toBe(EXIT.failure);
    expect(io.out()).toContain('"mode":"live"');
    for (const text of [io.out(), io.err()]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('kraken-key-value-123');
    }
  }, 60_000);

  it('a bad configuration exits 78 before taking the lock', async () => {
    const io = fakeIo({}, { BRAIN_RISK_MAX_OPEN_POSITIONS: 'many' });
    expect(await main(['run'], io)).toBe(EXIT.config);
    expect(io.err()).toContain('risk.maxOpenPositions must be a number, got "many" (env BRAIN_RISK_MAX_OPEN_POSITIONS)');
    expect(existsSync(join(io.cwd, 'data'))).toBe(false);
  });

  it('--sim needs a positive speed', async () => {
    const io = fakeIo();
    expect(await main(['run', '--sim', 'fast'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('--sim needs a speed > 0');
  });

  it('issue 12: fault flags are those of brain sim, parsed by the same code, and need --sim', async () => {
    const io = fakeIo();
    expect(await main(['run', '--lose-response', 'AddOrder:2'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('fault flags need --sim SPEED');
    const bad = fakeIo();
    expect(await main(['run', '--sim', '1', '--status', 'sleepy'], bad)).toBe(EXIT.usage);
    expect(bad.err()).toContain('--status must be one of online, maintenance, cancel_only, post_only, got "sleepy"');
  });

  it('issue 12: a daemon on the same database under another path and working directory is refused', async () => {
    const io = fakeIo();
    const db = join(io.cwd, 'data', 'brain.db');
    const first = acquirePidLock({ path: databaseLockPath(db), pid: process.ppid });
    const other = fakeIo();
    symlinkSync(join(io.cwd, 'data'), join(other.cwd, 'linked'));
    expect(await main(['run', '--db', 'linked/brain.db', ...SIM], other)).toBe(EXIT.failure);
    expect(other.err()).toContain(`another brain is running (pid ${process.ppid}`);
    expect(first.release()).toBe(true);
  }, 30_000);
});
