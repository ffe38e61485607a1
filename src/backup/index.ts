/** Backup and restore as the CLI calls them: paths from the config, resolved against the working directory. */
import { resolve } from 'node:path';
import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/index.ts';
import { backupDatabase, type BackupResult } from './backup.ts';
import { restoreDatabase, type RestoreResult } from './restore.ts';

export { backupDatabase, listBackups, type BackupResult } from './backup.ts';
export { restoreDatabase, RestoreError, verifyBackup, type RestoreResult } from './restore.ts';

/** `brain backup`: an online backup of config data.dbPath into config backup.dir (the daemon may be running). */
export function backupFromConfig(config: Pick<Config, 'data' | 'backup'>, cwd: string, now: number): BackupResult {
  const db = openDatabase({ path: resolve(cwd, config.data.dbPath) });
  try {
    return backupDatabase({ db, dir: resolve(cwd, config.backup.dir), keep: config.backup.keep, now });
  } finally {
    db.close();
  }
}

/** `brain restore FILE`: refused while the daemon runs (it holds the database's lock). */
export function restoreFromConfig(config: Pick<Config, 'data'>, cwd: string, file: string, now: number): RestoreResult {
  return restoreDatabase({ file: resolve(cwd, file), dbPath: resolve(cwd, config.data.dbPath), now });
}
