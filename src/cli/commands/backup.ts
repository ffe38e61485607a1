/** `brain backup` and `brain restore FILE`: the database's online backup and its restore. */
import { resolve } from 'node:path';
import { backupFromConfig, listBackups, restoreFromConfig } from '../../backup/index.ts';
import { loadConfig } from '../../config/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type Command } from '../command.ts';

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

export const backup: Command = {
  name: 'backup',
  usage: `usage: brain backup [--list] [config flags]
  --list                   list the backups in backup.dir instead of taking one

The copy is SQLite's VACUUM INTO: one consistent snapshot, taken while the daemon keeps writing. The daemon
takes one itself every day (config [backup]).

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, { list: { type: 'boolean' } });
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    if (values.list) {
      const files = listBackups(resolve(io.cwd, config.backup.dir));
      io.stdout.write(files.length === 0 ? `no backups in ${config.backup.dir}\n` : `${files.join('\n')}\n`);
      return EXIT.ok;
    }
    const r = backupFromConfig(config, io.cwd, Date.now());
    io.stdout.write(`backed up ${config.data.dbPath} to ${r.file} (${mb(r.bytes)})${r.pruned.length > 0 ? `; deleted ${r.pruned.length} older` : ''}\n`);
    return EXIT.ok;
  },
};

export const restore: Command = {
  name: 'restore',
  usage: `usage: brain restore FILE [config flags]

Stop the daemon first: the restore takes the daemon's lock and refuses while it is held. FILE must pass
SQLite's integrity check and hold a migration history this build knows. The current database (and its WAL)
is renamed to <db>.replaced-<time>, never deleted. At the next start the daemon migrates the restored
database if it is older and reconciles with the venue by cl_ord_id, as after any restart.

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const [file, ...rest] = args;
    if (file === undefined || file.startsWith('--'))
      throw new UsageError('restore needs the backup file, e.g. brain restore data/backups/brain-20260105T004500000Z.db');
    const { configArgv } = parseCommandArgs(rest, {});
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const r = restoreFromConfig(config, io.cwd, file, Date.now());
    io.stdout.write(`restored ${r.restored} to ${config.data.dbPath}${r.replacedAside ? `; the replaced database is ${r.replacedAside}` : ''}\n`);
    if (r.pending > 0) io.stdout.write(`the backup is ${r.pending} migration(s) behind this build: the next start applies them\n`);
    return EXIT.ok;
  },
};
