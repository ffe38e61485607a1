import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations, loadMigrations, migrationChecksum, openDatabase, type Migration } from '../../src/db/index.ts';
import { memoryDb, tempDir, track } from './helpers.ts';

function migration(version: number, sql: string): Migration {
  return { version, name: `m${version}`, sql, checksum: migrationChecksum(sql) };
}

/** The first version after the shipped migrations: a test's extra migration must not collide with a real one. */
const NEXT = loadMigrations().length + 1;

function versions(db: ReturnType<typeof memoryDb>): unknown[] {
  return db.prepare('SELECT version, name FROM schema_version ORDER BY version').all();
}

describe('migrations', () => {
  it('records each bundled migration once in schema_version', () => {
    const db = memoryDb();
    const files = loadMigrations();
    expect(files[0]).toMatchObject({ version: 1, name: 'core' });
    expect(versions(db)).toEqual(files.map((m) => ({ version: m.version, name: m.name })));
  });

  it('applying the migrations again is a no-op', () => {
    const db = memoryDb();
    const before = db.prepare('SELECT * FROM schema_version').all();
    expect(applyMigrations(db, loadMigrations(), () => 2)).toEqual([]);
    expect(applyMigrations(db, loadMigrations(), () => 3)).toEqual([]);
    expect(db.prepare('SELECT * FROM schema_version').all()).toEqual(before);
  });

  it('reopening a file database does not re-apply anything', () => {
    const path = join(tempDir(), 'brain.db');
    openDatabase({ path, now: () => 1 }).close();
    const db = track(openDatabase({ path, now: () => 2 }));
    expect(db.prepare('SELECT DISTINCT applied_at FROM schema_version').all()).toEqual([{ applied_at: 1 }]);
  });

  // Numbered after the bundled ones, whatever their count: branches add migrations and the lead renumbers them.

  it('applies only the new migrations, in order', () => {
    const db = memoryDb();
    const extra = [...loadMigrations(), migration(NEXT, 'CREATE TABLE extra_a (x);'), migration(NEXT + 1, 'ALTER TABLE extra_a ADD y;')];
    expect(applyMigrations(db, extra, () => 5)).toEqual([NEXT, NEXT + 1]);
    expect(db.prepare('SELECT x, y FROM extra_a').all()).toEqual([]);
  });

  it('detects an applied migration whose file was changed afterwards', () => {
    const db = memoryDb();
    const [core] = loadMigrations();
    const tampered = { ...core!, checksum: migrationChecksum(`${core!.sql}\n-- edited`) };
    expect(() => applyMigrations(db, [tampered], () => 2)).toThrow(
      expect.objectContaining({ code: 'migration_checksum', message: expect.stringMatching(/migration 1 \(core\) was changed/) }),
    );
  });

  it('refuses a database that has a migration this build does not know', () => {
    const db = memoryDb();
    applyMigrations(db, [...loadMigrations(), migration(NEXT, 'CREATE TABLE newer (x);')], () => 2);
    expect(() => applyMigrations(db, loadMigrations(), () => 3)).toThrow(expect.objectContaining({ code: 'migration_unknown' }));
  });

  it('rolls back a failing migration entirely and names it', () => {
    const db = memoryDb();
    const bad = migration(NEXT, 'CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);');
    expect(() => applyMigrations(db, [...loadMigrations(), bad], () => 2)).toThrow(new RegExp(`migration ${NEXT} \\(m${NEXT}\\) failed`));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all()).toEqual([]);
    expect(versions(db)).toHaveLength(NEXT - 1);
  });

  it('treats CRLF line endings as the same checksum', () => {
    expect(migrationChecksum('a;\r\nb;\r\n')).toBe(migrationChecksum('a;\nb;\n'));
  });

  it('rejects misnamed files and gaps in the numbering', () => {
    const misnamed = tempDir();
    writeFileSync(join(misnamed, '1_core.sql'), 'SELECT 1;');
    expect(() => loadMigrations(misnamed)).toThrow(/misnamed/);
    const gap = join(tempDir(), 'gap');
    mkdirSync(gap);
    writeFileSync(join(gap, '0001_a.sql'), 'SELECT 1;');
    writeFileSync(join(gap, '0003_c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(gap)).toThrow(/should be number 0002/);
  });
});
