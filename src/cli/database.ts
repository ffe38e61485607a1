/**
 * The database a command works on (config data.dbPath, flag --db). A read-only command (listing, showing,
 * finding gaps) opens a database this user cannot write (another user's daemon database, a read-only
 * mount) read-only, so it works there and skips what would write (migrations, seeding); otherwise, and for
 * every other command, the database is opened writable (created and migrated).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/index.ts';
import { openDatabase, type Db } from '../db/index.ts';
import type { CliIo } from './command.ts';
import { dbPathOf } from './commands/backtest.ts';

/** SQLite in WAL mode writes beside the file (-wal, -shm), so the folder must be writable too. */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function openCommandDatabase(config: Config, io: CliIo, access: 'read' | 'write'): Db {
  const path = dbPathOf(config, io);
  const readonly = access === 'read' && path !== ':memory:' && existsSync(path) && !writable(path);
  return openDatabase({ path, readonly });
}
