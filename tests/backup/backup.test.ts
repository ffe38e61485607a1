import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase, backupName, listBackups } from '../../src/backup/backup.ts';
import { restoreDatabase, RestoreError } from '../../src/backup/restore.ts';
import { createRepositories, loadMigrations, migrationChecksum, openDatabase, type Db } from '../../src/db/index.ts';
import { acquirePidLock, databaseLockPath } from '../../src/lock/index.ts';

const T = Date.UTC(2026, 0, 5, 0, 45);
const dirs: string[] = [];
const open: Db[] = [];
function workDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'brain-backup-'));
  dirs.push(d);
  return d;
}
function db(path: string): Db {
  const d = openDatabase({ path });
  open.push(d);
  return d;
}
afterEach(() => {
  for (const d of open.splice(0)) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fill = (tradeId: string) => ({
  tradeId,
  clOrdId: 'p1-1',
  pair: 'BTC/USD' as const,
  side: 'buy' as const,
  price: 50_000,
  quantity: 0.01,
  fee: 1,
  liquidity: 'taker' as const,
  time: T,
});
const fillsIn = (path: string) => {
  const d = openDatabase({ path, readonly: true });
  try {
    return createRepositories(d)
      .fills.inRange(0, Number.MAX_SAFE_INTEGER)
      .map((f) => f.tradeId);
  } finally {
    d.close();
  }
};

describe('brain backup (VACUUM INTO)', () => {
  it('copies a database that is open for writing into a complete, named file', () => {
    const dir = workDir();
    const live = db(join(dir, 'brain.db'));
    createRepositories(live).fills.insert(fill('t1'));
    const r = backupDatabase({ db: live, dir: join(dir, 'backups'), keep: 3, now: T });
    expect(r.file).toBe(join(dir, 'backups', 'brain-20260105T004500000Z.db'));
    expect(r.bytes).toBeGreaterThan(0);
    createRepositories(live).fills.insert(fill('t2'));
    expect(fillsIn(r.file)).toEqual(['t1']);
    expect(existsSync(`${r.file}.partial`)).toBe(false);
  });

  it('keeps the newest `keep` backups and deletes the older ones', () => {
    const dir = workDir();
    const live = db(join(dir, 'brain.db'));
    const made = [0, 1, 2, 3].map((day) => backupDatabase({ db: live, dir: join(dir, 'b'), keep: 2, now: T + day * 86_400_000 }));
    expect(listBackups(join(dir, 'b'))).toEqual([made[2]!.file, made[3]!.file]);
    expect(made[3]!.pruned).toEqual([made[1]!.file]);
  });

  it('names backups so that text order is time order', () => {
    expect(backupName(T)).toBe('brain-20260105T004500000Z.db');
    expect([backupName(T + 1), backupName(T)].sort()).toEqual([backupName(T), backupName(T + 1)]);
  });
});

describe('brain restore', () => {
  function setup() {
    const dir = workDir();
    const dbPath = join(dir, 'brain.db');
    const live = openDatabase({ path: dbPath });
    createRepositories(live).fills.insert(fill('t1'));
    const { file } = backupDatabase({ db: live, dir: join(dir, 'backups'), keep: 5, now: T });
    createRepositories(live).fills.insert(fill('t2'));
    live.close();
    return { dir, dbPath, file, lockPath: databaseLockPath(dbPath) };
  }

  it('replaces the database with the backup and keeps the replaced one aside', () => {
    const s = setup();
    const r = restoreDatabase({ file: s.file, dbPath: s.dbPath, now: T + 1000 });
    expect(fillsIn(s.dbPath)).toEqual(['t1']);
    expect(r.replacedAside).toBe(`${s.dbPath}.replaced-20260105T004501000Z`);
    expect(fillsIn(r.replacedAside!)).toEqual(['t1', 't2']);
    expect(r).toMatchObject({ versions: loadMigrations().map((m) => m.version), pending: 0 });
    expect(existsSync(s.lockPath)).toBe(false);
  });

  it('refuses while a daemon holds the lock, and changes nothing', () => {
    const s = setup();
    const daemon = acquirePidLock({ path: s.lockPath, pid: process.ppid });
    try {
      expect(() => restoreDatabase({ file: s.file, dbPath: s.dbPath, now: T })).toThrow(
        expect.objectContaining({
          code: 'daemon_running',
          message: expect.stringMatching(/^restore refused: another brain is running \(pid \d+, .*nothing was changed$/),
        }),
      );
      expect(fillsIn(s.dbPath)).toEqual(['t1', 't2']);
    } finally {
      daemon.release();
    }
  });

  it('refuses a file that is not a database, a foreign database, and a newer migration history', () => {
    const s = setup();
    const junk = join(s.dir, 'junk.db');
    writeFileSync(junk, 'not sqlite at all, just text that is long enough to have a header '.repeat(10));
    const foreign = join(s.dir, 'foreign.db');
    const f = openDatabase({ path: foreign, migrations: [] });
    f.exec('DROP TABLE schema_version; CREATE TABLE t (x)');
    f.close();
    const newer = join(s.dir, 'newer.db');
    const sql = 'CREATE TABLE from_the_future (x);';
    openDatabase({ path: newer, migrations: [...loadMigrations(), { version: 999, name: 'future', sql, checksum: migrationChecksum(sql) }] }).close();
    const attempt = (file: string) => () => restoreDatabase({ file, dbPath: s.dbPath, now: T });
    expect(attempt(junk)).toThrow(RestoreError);
    expect(attempt(foreign)).toThrow(/has no schema_version table: it is not a Trading Brain database/);
    expect(attempt(newer)).toThrow(/migration 999 \(future\) that this build does not know/);
    expect(attempt(join(s.dir, 'missing.db'))).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(attempt(s.dbPath)).toThrow(expect.objectContaining({ code: 'same_file' }));
    expect(fillsIn(s.dbPath)).toEqual(['t1', 't2']);
    expect(readFileSync(junk, 'utf8')).toContain('not sqlite');
  });
});
