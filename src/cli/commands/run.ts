/**
 * `brain run`: the daemon entry. Today it does the first steps of the boot sequence only (config,
 * logger, single-instance lock), says plainly that the trading core is not built yet, and waits for
 * SIGINT/SIGTERM, then releases the lock and exits 0.
 */
import { resolve } from 'node:path';
import { loadConfig, secretValues, type Config } from '../../config/index.ts';
import { acquirePidLock } from '../../lock/index.ts';
import { createLogger, type Logger } from '../../log/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, type CliIo, type Command } from '../command.ts';

function loggerFor(config: Config, io: CliIo): Logger {
  const pretty = config.log.format === 'auto' ? io.stdoutIsTTY : config.log.format === 'pretty';
  return createLogger({ level: config.log.level, pretty, destination: io.stdout, secrets: secretValues(config) });
}

export const run: Command = {
  name: 'run',
  summary: 'Start the daemon (npm start runs it in paper mode)',
  usage: `usage: brain run [--mode paper|live] [--inspect] [config flags]
  --inspect                attach the Stately inspector to the actor tree (no actor tree exists yet)

Stops on SIGINT or SIGTERM (a second signal exits at once).

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, { inspect: { type: 'boolean' } });
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const log = loggerFor(config, io);
    const lock = acquirePidLock({ path: resolve(io.cwd, config.data.lockPath) });
    try {
      // Listen before announcing readiness, so a stop request right after start is not missed.
      const stopRequested = io.waitForShutdown();
      log.info({ mode: config.mode, pairs: config.pairs, timeframe: config.market.timeframe, db: config.data.dbPath, lock: lock.path }, 'brain started');
      log.warn('the trading core is not built yet: no market data, no orders, no database opened; holding the single-instance lock until SIGINT/SIGTERM');
      if (values.inspect) log.warn('--inspect: there is no actor tree to inspect yet, so no inspector was started');
      const signal = await stopRequested;
      log.info({ signal }, 'shutdown requested');
    } finally {
      lock.release();
    }
    log.info('stopped');
    return EXIT.ok;
  },
};
