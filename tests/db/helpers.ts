/** Fixtures for database tests: a migrated in-memory database and throwaway folders under os.tmpdir(). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.ts';

const open: Db[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A migrated ':memory:' database closed after the test. */
export function memoryDb(): Db {
  const db = openDatabase({ path: ':memory:', now: () => 1_700_000_000_000 });
  open.push(db);
  return db;
}

/** Registers a database for closing after the test. */
export function track(db: Db): Db {
  open.push(db);
  return db;
}

/** A fresh folder under os.tmpdir(), removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brain-db-'));
  dirs.push(dir);
  return dir;
}
