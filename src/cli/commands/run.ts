/**
 * `brain run`: the daemon entry. Config and logger here; the rest of the five steps (dependencies,
 * supervisor, signal → shutdown → exit code) is src/daemon/entry.ts.
 */
import { loadConfig, secretValues, type Config } from '../../config/index.ts';
import { runDaemon } from '../../daemon/entry.ts';
import { createLogger, LogTail, type Logger } from '../../log/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { PROJECT_ROOT } from '../../paths.ts';


export function loggerFor(config: Config, io: CliIo, tail?: LogTail): Logger {
  const pretty = config.log.format === 'auto' ? io.stdoutIsTTY : config.log.format === 'pretty';
  return createLogger({ level: config.log.level, pretty, destination: tail ? tail.tee(io.stdout) : io.stdout, secrets: secretValues(config) });
}

function simSpeed(value: string | undefined): number | null {
  if (value === undefined) return null;
  const speed = Number(value);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`--sim needs a speed > 0 (1 = real time), got "${value}"`);
  return speed;
}

export const run: Command = {
  name: 'run',
  summary: 'Start the daemon (npm start runs it in paper mode)',
  usage: `usage: brain run [--mode paper|live] [--inspect] [--sim SPEED] [config flags]
  --inspect                attach the Stately inspector (ws://127.0.0.1:8080, loopback only) to the actor tree
  --sim SPEED              trade against the loopback Kraken simulator replaying data/sample at SPEED× real time
                           instead of api.kraken.com (offline; 1 = real time)

Stops gracefully on SIGINT or SIGTERM (a second signal exits at once): scanners stop, positions and
the breaker keep their persisted state, orders in flight are reconciled by cl_ord_id at the next start.

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, { inspect: { type: 'boolean' }, sim: { type: 'string' } });
    const sim = simSpeed(values.sim as string | undefined);
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const logs = new LogTail();
    const log = loggerFor(config, io, logs);
    const outcome = await runDaemon({ config, log, logs, cwd: io.cwd, repoRoot: PROJECT_ROOT, waitForShutdown: () => io.waitForShutdown(), inspect: values.inspect === true, sim });
    if (outcome.kind === 'failed') {
      log.error({ reason: outcome.message }, 'brain stopped on a failure');
      io.stderr.write(`brain run: ${outcome.message}\n`);
      return EXIT.failure;
    }
    log.info('stopped');
    return EXIT.ok;
  },
};
