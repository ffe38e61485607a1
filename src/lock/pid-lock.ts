/**
 * Single instance: a PID lock file that belongs to the DATABASE (databaseLockPath: `<db>.lock` beside the
 * database's real path, symlinks resolved), so two daemons can never run on one database, whatever
 * working directory or path each was given. The file appears atomically and complete:
 * a temp file is created with O_EXCL, written, then hard-linked to the lock path, and link() fails
 * with EEXIST if any other process got there first. So a reader never sees a half-written lock.
 * A lock whose pid is dead (or is our own pid from a previous life, as with pid 1 in a container) is
 * stale and taken over; release removes the file only while it still holds what we wrote.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BrainError } from '../contract/errors.ts';

export type LockErrorCode = 'held' | 'takeover_in_progress' | 'contended';

export class LockError extends BrainError<LockErrorCode> {
  override readonly name = 'LockError';
  constructor(
    code: LockErrorCode,
    readonly path: string,
    message: string,
    readonly heldBy?: number,
  ) {
    // Another daemon holds the lock: starting again without stopping it cannot help.
    super(message, { domain: 'lock', code, retryable: false, details: { path, heldBy: heldBy ?? null } });
  }
}

export interface PidLock {
  readonly path: string;
  readonly pid: number;
  /** Removes the lock file if it is still ours; returns whether it did. Safe to call twice. */
  release(): boolean;
}

export interface AcquirePidLockOptions {
  path: string;
  /** Our pid (default process.pid); tests play other instances with it. */
  pid?: number;
  /** Whether a pid is a running process (default: signal 0). */
  isAlive?: (pid: number) => boolean;
  /** Told when a stale lock (its pid dead, or ours from a previous life) is taken over, before it is. */
  onTakeover?: (stale: { pid: number | null; path: string }) => void;
}

/**
 * The lock file of a database: `<name>.lock` beside the file's real path, so a relative path, another
 * working directory or a symlink to the same database all name the same lock. The folder is created.
 */
export function databaseLockPath(dbPath: string): string {
  const absolute = resolve(dbPath);
  mkdirSync(dirname(absolute), { recursive: true });
  const real = existsSync(absolute) ? realpathSync(absolute) : join(realpathSync(dirname(absolute)), basename(absolute));
  return `${real}.lock`;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; it still holds the lock.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Publishes `content` at `path` only if no file is there. */
function publish(path: string, content: string): boolean {
  const tmp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(tmp, content, { flag: 'wx', mode: 0o644 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Removes a stale lock. A guard file serialises takeovers, and the lock is removed only if it still
 * holds the stale content: two starters racing must not delete the lock the faster one just took.
 */
function takeOver(path: string, staleContent: string, pid: number): void {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, `${pid}\n`, { flag: 'wx' });
  } catch (err) {
    if (errno(err) !== 'EEXIST') throw err;
    throw new LockError(
      'takeover_in_progress',
      path,
      `another instance is taking over the stale lock ${path} (guard file ${guard}); if no brain is starting, delete ${guard} and retry`,
    );
  }
  try {
    if (readOrUndefined(path) === staleContent) unlinkSync(path);
  } finally {
    unlinkSync(guard);
  }
}

function heldMessage(path: string, pid: number): string {
  return `another brain is running (pid ${pid}, lock file ${path}): stop it first (kill ${pid}), or delete ${path} if pid ${pid} is not a brain`;
}

export function acquirePidLock(opts: AcquirePidLockOptions): PidLock {
  const { path } = opts;
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? isProcessAlive;
  const content = `${pid}\n${randomUUID()}\n`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (publish(path, content)) return ownLock(path, pid, content);
    const existing = readOrUndefined(path);
    if (existing === undefined) continue; // released between our two steps: try again
    const holder = Number.parseInt(existing.split('\n', 1)[0] ?? '', 10);
    const valid = Number.isInteger(holder) && holder > 0;
    if (valid && holder !== pid && isAlive(holder)) throw new LockError('held', path, heldMessage(path, holder), holder);
    opts.onTakeover?.({ pid: valid ? holder : null, path });
    takeOver(path, existing, pid);
  }
  throw new LockError('contended', path, `could not take the lock ${path}: other instances kept taking it; check for a restart loop`);
}

function ownLock(path: string, pid: number, content: string): PidLock {
  return {
    path,
    pid,
    release() {
      if (readOrUndefined(path) !== content) return false;
      unlinkSync(path);
      return true;
    },
  };
}
