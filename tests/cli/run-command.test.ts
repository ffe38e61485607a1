import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { EXIT } from '../../src/cli/command.ts';
import { acquirePidLock } from '../../src/lock/index.ts';
import { fakeIo } from './fake-io.ts';

const logLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string; signal?: string });

describe('brain run (the daemon entry)', () => {
  it('takes the lock, says the core is not built, waits for a signal, releases the lock and exits 0', async () => {
    const io = fakeIo();
    const lockFile = join(io.cwd, 'data', 'brain.pid');
    const exit = main(['run', '--mode', 'paper'], io);
    await io.waiting;
    expect(readFileSync(lockFile, 'utf8').split('\n')[0]).toBe(String(process.pid));
    expect(io.out()).toContain('the trading core is not built yet');
    io.stop('SIGINT');
    expect(await exit).toBe(EXIT.ok);
    expect(existsSync(lockFile)).toBe(false);
    const lines = logLines(io.out());
    expect(lines.map((l) => l.msg)).toEqual([
      'brain started',
      expect.stringContaining('not built yet'),
      'shutdown requested',
      'stopped',
    ]);
    expect(lines[2]!.signal).toBe('SIGINT');
  });

  it('a second instance exits 1 naming the pid and the lock file, and leaves the first one\'s lock', async () => {
    const io = fakeIo();
    const lockFile = join(io.cwd, 'data', 'brain.pid');
    // The holder must be another live process: our own pid in a lock file means a previous life of ours.
    const first = acquirePidLock({ path: lockFile, pid: process.ppid });
    expect(await main(['run'], io)).toBe(EXIT.failure);
    expect(io.err()).toContain(`another brain is running (pid ${process.ppid}, lock file ${lockFile})`);
    expect(first.release()).toBe(true);
  });

  it('uses the lock path from the config', async () => {
    const io = fakeIo();
    const exit = main(['run', '--set', 'data.lockPath=run/other.pid', '--log-level', 'silent'], io);
    await io.waiting;
    expect(existsSync(join(io.cwd, 'run', 'other.pid'))).toBe(true);
    io.stop();
    expect(await exit).toBe(EXIT.ok);
    expect(io.out()).toBe('');
  });

  it('--inspect is accepted and says there is nothing to inspect yet', async () => {
    const io = fakeIo();
    const exit = main(['run', '--inspect'], io);
    await io.waiting;
    io.stop();
    expect(await exit).toBe(EXIT.ok);
    expect(io.out()).toContain('no actor tree to inspect yet');
  });

  it('inv. 7: secrets from the environment do not appear in the run log', async () => {
    const secret = 'c2VjcmV0LWtyYWtlbi1rZXktdmFsdWU=';
    const io = fakeIo({}, { KRAKEN_API_KEY: 'kraken-key-value-123', KRAKEN_API_SECRET: secret });
    const exit = main(['run', '--mode', 'live'], io);
    await io.waiting;
    io.stop();
    expect(await exit).toBe(EXIT.ok);
    expect(io.out()).toContain('"mode":"live"');
    expect(io.out()).not.toContain(secret);
    expect(io.out()).not.toContain('kraken-key-value-123');
  });

  it('a bad configuration exits 78 before taking the lock', async () => {
    const io = fakeIo({}, { BRAIN_RISK_MAX_OPEN_POSITIONS: 'many' });
    expect(await main(['run'], io)).toBe(EXIT.config);
    expect(io.err()).toContain('risk.maxOpenPositions must be a number, got "many" (env BRAIN_RISK_MAX_OPEN_POSITIONS)');
    expect(existsSync(join(io.cwd, 'data'))).toBe(false);
  });
});
