/**
 * `brain worker`: judges the evolver's candidates for a daemon (or `brain evolve`) on another machine,
 * taking jobs from the Redis queue of evolution.redisUrl (src/evolution/jobs-remote-worker.ts). It needs
 * no database and no Kraken key: candles and bundles arrive by content hash through Redis. The first
 * signal lets the running jobs finish; a second one exits at once (their jobs run again elsewhere).
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { redactRedisUrl } from '../../redis/connect.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type Command } from '../command.ts';
import { loggerFor } from './run.ts';

const OWN_FLAGS = { slots: { type: 'string' } } as const;

export const workerCommand: Command = {
  name: 'worker',
  usage: `usage: brain worker [--slots N] [config flags]
  --slots N    jobs at once, each on its own warm sandbox child (1..16; default evolution.evolver.workers)

Takes evolver jobs from queue evolution.queue.name on evolution.redisUrl (password: REDIS_PASSWORD)
until stopped. Candles and strategy bundles are fetched by content hash and cached in
evolution.queue.cacheDir. Run one per machine (docs/scale-out.md). The first SIGINT/SIGTERM lets the
running jobs finish; a second one exits at once and their jobs run again on another worker.

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, OWN_FLAGS);
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const slots = values.slots === undefined ? config.evolution.evolver.workers : Number(values.slots);
    if (!Number.isInteger(slots) || slots < 1 || slots > 16) throw new UsageError(`--slots must be an integer in 1..16, got "${values.slots}"`);
    const url = config.evolution.redisUrl;
    if (url === '')
      throw new UsageError(
        'brain worker needs evolution.redisUrl (redis://HOST:PORT of the job queue): set it in config/settings.toml, BRAIN_EVOLUTION_REDIS_URL or --set evolution.redisUrl=...',
      );
    const log = loggerFor(config, io).child({ component: 'worker' });
    // Loaded here, not at the top: every other command (the daemon among them) never loads BullMQ.
    const { startEvolverWorkers } = await import('../../evolution/jobs-remote-worker.ts');
    const host = await startEvolverWorkers({
      link: { url, password: config.secrets.redisPassword },
      evolution: config.evolution,
      slots,
      cacheDir: resolve(io.cwd, config.evolution.queue.cacheDir),
      log,
    });
    await host.ready;
    log.info({ queue: config.evolution.queue.name, redis: redactRedisUrl(url), slots, pid: process.pid }, 'worker taking jobs');
    const signal = await io.waitForShutdown();
    // A second signal exits at once (waitForSignal); the jobs it cuts short run again on another worker.
    log.info({ signal }, 'stopping: the running jobs finish first (signal again to stop at once)');
    await host.close(false);
    log.info({ judged: host.judged() }, 'worker stopped');
    return EXIT.ok;
  },
};
