import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DbError, openDatabase } from '../../src/db/index.ts';
import { memoryDb, tempDir, track } from './helpers.ts';

describe('openDatabase', () => {
  it('puts a file database in WAL mode with foreign keys, a busy timeout and synchronous=NORMAL', () => {
    const db = track(openDatabase({ path: join(tempDir(), 'nested', 'brain.db'), busyTimeoutMs: 1234 }));
    expect(db.pragma('journal_mode')).toBe('wal');
    expect(db.pragma('foreign_keys')).toBe(1);
    expect(db.pragma('busy_timeout')).toBe(1234);
    expect(db.pragma('synchronous')).toBe(1);
  });

  it('opens :memory: migrated and empty', () => {
    const db = memoryDb();
    expect(db.prepare('SELECT COUNT(*) AS n FROM orders').get<{ n: number }>()).toEqual({ n: 0 });
  });

  it('a read-only connection sets query_only and rejects writes, while still reading', () => {
    const path = join(tempDir(), 'brain.db');
    const writer = track(openDatabase({ path }));
    writer.prepare("INSERT INTO audit_log (time, who, what) VALUES (1, 'test', 'seed')").run();
    const reader = track(openDatabase({ path, readonly: true }));
    expect(reader.pragma('query_only')).toBe(1);
    expect(reader.prepare('SELECT what FROM audit_log').all()).toEqual([{ what: 'seed' }]);
    expect(() => reader.prepare("INSERT INTO audit_log (time, who, what) VALUES (2, 'x', 'y')").run()).toThrow(/readonly/i);
  });

  it('a read-only connection stays read-only even after the guest switches query_only off', () => {
    const path = join(tempDir(), 'brain.db');
    track(openDatabase({ path }));
    const reader = track(openDatabase({ path, readonly: true }));
    reader.exec('PRAGMA query_only = 0');
    expect(() => reader.exec('DELETE FROM audit_log')).toThrow(/readonly/i);
  });

  it('lets a reader see the last commit while the writer holds an open transaction (WAL)', () => {
    const path = join(tempDir(), 'brain.db');
    const writer = track(openDatabase({ path }));
    const reader = track(openDatabase({ path, readonly: true }));
    const insert = writer.prepare("INSERT INTO audit_log (time, who, what) VALUES (?, 'test', 'x')");
    insert.run([1]);
    const seen = writer.transaction(() => {
      insert.run([2]);
      return reader.prepare('SELECT time FROM audit_log').all();
    });
    expect(seen).toEqual([{ time: 1 }]);
    expect(reader.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 2 });
  });

  it('refuses a read-only open of a missing file with a message naming the path', () => {
    const path = join(tempDir(), 'missing.db');
    expect(() => openDatabase({ path, readonly: true })).toThrow(DbError);
    expect(() => openDatabase({ path, readonly: true })).toThrow(path);
  });
});

describe('Db.transaction', () => {
  it('commits on return and rolls back everything on throw', () => {
    const db = memoryDb();
    const insert = db.prepare("INSERT INTO audit_log (time, who, what) VALUES (?, 'test', 'x')");
    db.transaction(() => insert.run([1]));
    expect(() =>
      db.transaction(() => {
        insert.run([2]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.prepare('SELECT time FROM audit_log').all()).toEqual([{ time: 1 }]);
    expect(db.inTransaction).toBe(false);
  });

  it('nests as a savepoint: an inner failure undoes only the inner work', () => {
    const db = memoryDb();
    const insert = db.prepare("INSERT INTO audit_log (time, who, what) VALUES (?, 'test', 'x')");
    db.transaction(() => {
      insert.run([1]);
      expect(() =>
        db.transaction(() => {
          insert.run([2]);
          throw new Error('inner');
        }),
      ).toThrow('inner');
    });
    expect(db.prepare('SELECT time FROM audit_log').all()).toEqual([{ time: 1 }]);
  });

  it('rejects an async fn and rolls back what it did synchronously', () => {
    const db = memoryDb();
    const run = () =>
      db.transaction(async () => {
        db.prepare("INSERT INTO audit_log (time, who, what) VALUES (1, 'test', 'x')").run();
      });
    expect(run).toThrow(expect.objectContaining({ code: 'async_transaction' }));
    expect(db.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
  });
});

describe('Statement', () => {
  it('never leaks libsql _metadata from get, all, iterate or pragma', () => {
    const db = memoryDb();
    db.prepare("INSERT INTO audit_log (time, who, what) VALUES (1, 'test', 'x')").run();
    const stmt = db.prepare('SELECT time, who FROM audit_log');
    expect(Object.keys(stmt.get() ?? {})).toEqual(['time', 'who']);
    expect(Object.keys(stmt.all()[0] ?? {})).toEqual(['time', 'who']);
    expect([...stmt.iterate()].map((r) => Object.keys(r))).toEqual([['time', 'who']]);
    expect(stmt.values()).toEqual([[1, 'test']]);
    expect(db.pragma('foreign_keys')).toBe(1);
  });

  it('binds named parameters from an object and returns undefined when no row matches', () => {
    const db = memoryDb();
    const stmt = db.prepare('SELECT what FROM audit_log WHERE time = :time');
    expect(stmt.get({ time: 99 })).toBeUndefined();
  });

  it('tells a row-returning statement from one that acts (what guest SQL is screened with)', () => {
    const db = memoryDb();
    expect(db.prepare('WITH x AS (SELECT 1 AS a) SELECT a FROM x').reader).toBe(true);
    expect(db.prepare("ATTACH DATABASE ':memory:' AS other").reader).toBe(false);
    expect(db.prepare('PRAGMA query_only = 0').reader).toBe(false);
    expect(db.prepare('DELETE FROM audit_log').reader).toBe(false);
  });

  it('names the SQL it could not prepare', () => {
    const db = memoryDb();
    expect(() => db.prepare('SELECT * FROM no_such_table')).toThrow(/no_such_table/);
  });
});
