import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquirePidLock, databaseLockPath, isProcessAlive, LockError } from '../../src/lock/index.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'brain-lock-'));
  path = join(dir, 'data', 'brain.pid');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has already exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  expect(isProcessAlive(pid!)).toBe(false);
  return pid!;
}

function errorOf(fn: () => unknown): LockError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LockError) return err;
    throw err;
  }
  throw new Error('expected a LockError');
}

describe('PID lock', () => {
  it('creates the lock file (and its folder) holding our pid', () => {
    const lock = acquirePidLock({ path });
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(String(process.pid));
    expect(lock.pid).toBe(process.pid);
  });

  it('a second instance fails with a message naming the running pid and the file', () => {
    acquirePidLock({ path });
    const err = errorOf(() => acquirePidLock({ path, pid: process.pid + 100_000 }));
    expect(err.code).toBe('held');
    expect(err.heldBy).toBe(process.pid);
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.message).toContain(path);
  });

  it('a lock left by a dead process is taken over', () => {
    const stale = deadPid();
    mkdirSync(join(dir, 'data'));
    writeFileSync(path, `${stale}\n`);
    const lock = acquirePidLock({ path });
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(String(process.pid));
    expect(lock.release()).toBe(true);
  });

  it('a lock holding our own pid from a previous run (pid reuse, e.g. pid 1 in a container) is taken over', () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(path, `4242\nprevious-run\n`);
    const lock = acquirePidLock({ path, pid: 4242, isAlive: () => true });
    expect(readFileSync(path, 'utf8')).not.toContain('previous-run');
    expect(lock.pid).toBe(4242);
  });

  it('a lock file without a pid is treated as stale', () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(path, 'garbage');
    acquirePidLock({ path });
    expect(readFileSync(path, 'utf8').startsWith(`${process.pid}\n`)).toBe(true);
  });

  it('refuses to take over while another instance holds the takeover guard, naming the guard file', () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(path, `${deadPid()}\n`);
    writeFileSync(`${path}.takeover`, '1\n');
    const err = errorOf(() => acquirePidLock({ path }));
    expect(err.code).toBe('takeover_in_progress');
    expect(err.message).toContain(`${path}.takeover`);
  });

  it('release removes our lock, and a new instance can then start', () => {
    const first = acquirePidLock({ path });
    expect(first.release()).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(first.release()).toBe(false);
    acquirePidLock({ path, pid: process.pid + 1 });
    expect(existsSync(path)).toBe(true);
  });

  it('release leaves alone a lock that another instance has taken since', () => {
    const ours = acquirePidLock({ path });
    writeFileSync(path, `${process.pid + 1}\nsomeone-else\n`);
    expect(ours.release()).toBe(false);
    expect(readFileSync(path, 'utf8')).toContain('someone-else');
  });

  it('leaves no temporary files behind', () => {
    acquirePidLock({ path });
    errorOf(() => acquirePidLock({ path, pid: process.pid + 1 }));
    expect(readdirSync(join(dir, 'data'))).toEqual(['brain.pid']);
  });

  it('issue 12: the lock belongs to the database: a relative path, another working directory or a symlink name the same lock', () => {
    const db = join(dir, 'data', 'brain.db');
    writeFileSync(join(dir, 'x'), '');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(db, '');
    symlinkSync(join(dir, 'data'), join(dir, 'elsewhere'));
    symlinkSync(db, join(dir, 'alias.db'));
    const lock = databaseLockPath(db);
    expect(lock.endsWith('brain.db.lock')).toBe(true);
    expect(databaseLockPath(join(dir, 'elsewhere', 'brain.db'))).toBe(lock);
    expect(databaseLockPath(join(dir, 'alias.db'))).toBe(lock);
    expect(databaseLockPath(join(dir, 'elsewhere', '..', 'data', 'brain.db'))).toBe(lock);
  });

  it('issue 12: a stale lock is taken over and the taker is told whose it was (for the log)', () => {
    const dead = deadPid();
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(path, `${dead}\nstale\n`);
    const told: Array<{ pid: number | null; path: string }> = [];
    acquirePidLock({ path, onTakeover: (stale) => told.push(stale) });
    expect(told).toEqual([{ pid: dead, path }]);
  });
});
