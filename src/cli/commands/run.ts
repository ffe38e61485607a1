/**
 * `brain run`: the daemon entry. Config and logger here; the rest of the five steps (dependencies,
 * supervisor, signal → shutdown → exit code) is src/daemon/entry.ts.
 */
import { resolve } from 'node:path';
import { secretValues, type Config } from '../../config/index.ts';
import { describeError } from '../../contract/errors.ts';
import { bootConfig } from '../../daemon/boot-config.ts';
import { RUNS_BUILD } from '../../build/runtime.ts';
import { runDaemon } from '../../daemon/entry.ts';
import { tuneHeap } from '../../daemon/heap.ts';
import { createLogger, LogTail, type Logger } from '../../log/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import type { FaultPlan } from '../../sim/fault-plan.ts';
import { anyFault, FAULT_OPTIONS, FAULT_USAGE, faultPlanOf, type FaultValues } from '../fault-flags.ts';
import { INSPECT_USAGE, takeInspectFlag } from '../inspect-flag.ts';

export function loggerFor(config: Config, io: CliIo, tail?: LogTail): Logger {
  const pretty = config.log.format === 'auto' ? io.stdoutIsTTY : config.log.format === 'pretty';
  return createLogger({ level: config.log.level, pretty, destination: tail ? tail.tee(io.stdout) : io.stdout, secrets: secretValues(config) });
}

/** `--sim SPEED` and the simulator's fault flags (the same parser as `brain sim`); faults need --sim. */
function simOf(
  values: FaultValues & { sim?: string | undefined; data?: string | undefined },
  cwd: string,
): { speed: number; faults: FaultPlan; dataDir?: string } | null {
  if (values.sim === undefined) {
    if (values.data !== undefined) throw new UsageError('--data replays a candle folder through the simulator: use it with --sim SPEED');
    if (anyFault(values))
      throw new UsageError('fault flags need --sim SPEED (they act on the simulator this command starts); for a `brain sim` started apart, give them to it');
    return null;
  }
  const speed = Number(values.sim);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`--sim needs a speed > 0 (1 = real time), got "${values.sim}"`);
  return { speed, faults: faultPlanOf(values), ...(values.data === undefined ? {} : { dataDir: resolve(cwd, values.data) }) };
}

export const run: Command = {
  name: 'run',
  usage: `usage: brain run [--mode paper|live] [--inspect [PORT]] [--sim SPEED [fault flags]] [config flags]
${INSPECT_USAGE}
  --sim SPEED              trade against a loopback Kraken simulator started in this process, replaying
                           data/sample at SPEED× real time instead of kraken.restUrl (offline; 1 = real time).
                           Against a \`brain sim\` started apart (it survives a kill -9 of the daemon), set
                           kraken.restUrl, kraken.wsUrl and kraken.wsAuthUrl to the URLs it prints instead.
  --data DIR               with --sim: replay your own candles instead of data/sample (<BASE>-USD_<tf>.csv files,
                           the format brain backtest --data reads)
fault flags (with --sim; the same as \`brain sim\`):
${FAULT_USAGE}

Exits 0 after SIGINT or SIGTERM, 75 (EX_TEMPFAIL) after an operator switched the mode with /mode or
brain ctl mode (systemd and Docker start it again, in the recorded mode), 1 after a failure (Kraken unreachable at boot, a database it cannot
use, the lock of the database held by another daemon), with the lock released.

Stops gracefully on SIGINT or SIGTERM (a second signal exits at once): scanners stop, positions and
the breaker keep their persisted state, orders in flight are reconciled by cl_ord_id at the next start.

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    // The daemon's own heap settings (src/daemon/heap.ts), before it allocates its working set.
    tuneHeap();
    const { port: inspect, rest } = takeInspectFlag(args);
    const { values, configArgv } = parseCommandArgs(rest, { sim: { type: 'string' }, data: { type: 'string' }, ...FAULT_OPTIONS });
    const sim = simOf(values, io.cwd);
    const { config, modeSource, skipped } = bootConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const logs = new LogTail();
    const log = loggerFor(config, io, logs);
    if (skipped) log.warn(skipped);
    log.info({ mode: config.mode, source: modeSource, build: RUNS_BUILD ? 'dist' : 'sources' }, `trading mode ${config.mode} (set by ${modeSource})`);
    const outcome = await runDaemon({
      config,
      log,
      logs,
      cwd: io.cwd,
      repoRoot: PROJECT_ROOT,
      waitForShutdown: (stop) => io.waitForShutdown(stop),
      env: io.env,
      inspect,
      sim,
      modeSource,
    });
    if (outcome.kind === 'restart') {
      log.info({ by: outcome.by }, `stopped for a restart into the recorded mode: exit ${EXIT.restart}, the service manager starts it again`);
      return EXIT.restart;
    }
    if (outcome.kind === 'failed') {
      const { code, retryable, message } = outcome.error;
      log.error({ code, retryable, reason: message }, 'brain stopped on a failure');
      io.stderr.write(`brain run: ${describeError(outcome.error)}\n`);
      return EXIT.failure;
    }
    log.info('stopped');
    return EXIT.ok;
  },
};
