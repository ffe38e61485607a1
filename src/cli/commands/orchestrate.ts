/**
 * `brain orchestrate --now | --dry-run`: a thin call of the orchestrator's use cases (src/orchestrator/
 * use-cases.ts). --now runs a night through the same cycle machine the daemon runs, holding the
 * daemon's lock so the two never run a night at once; --dry-run prints the prompts and their token
 * estimate and calls nothing.
 */
import type { Logger } from 'pino';
import { systemClock } from '../../clock/clock.ts';
import { loadConfig, secretValues, type Config } from '../../config/index.ts';
import { createRepositories, openDatabase, type Db } from '../../db/index.ts';
import { acquirePidLock, databaseLockPath } from '../../lock/index.ts';
import { createLogger } from '../../log/index.ts';
import { evolutionPorts } from '../../orchestrator/ports.ts';
import { dryRunNight, runNightNow, type NightSummary } from '../../orchestrator/use-cases.ts';
import { nightDeps } from '../../orchestrator/wiring.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { openVersionStore, seedInitialVersions } from '../../versions/seed.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { dbPathOf } from './backtest.ts';

export function formatNight(n: NightSummary): string {
  const c = n.cycle;
  return [
    `night ${c.id} (${c.trigger}, ${c.mode}): ${c.outcome ?? 'running'}`,
    ...(c.reason ? [`reason  ${c.reason}`] : []),
    `calls   ${n.calls}, $${n.costUsd.toFixed(4)}, ${n.cacheReadTokens} input tokens read from the cache`,
    `read its thoughts with: brain thoughts ${c.id}`,
  ].join('\n');
}

async function withNight<T>(config: Config, io: CliIo, log: Logger, run: (db: Db, dbPath: string) => Promise<T>): Promise<T> {
  const dbPath = dbPathOf(config, io);
  const db = openDatabase({ path: dbPath });
  try {
    const seeded = await seedInitialVersions(openVersionStore({ db, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: io.cwd }), PROJECT_ROOT);
    for (const v of seeded) log.info({ version: v.id }, `seeded ${v.name} ${v.label}`);
    return await run(db, dbPath);
  } finally {
    db.close();
  }
}

export const orchestrate: Command = {
  name: 'orchestrate',
  usage: `usage: brain orchestrate --now | --dry-run [config flags]
  --now        run a night now: the model with ANTHROPIC_API_KEY, else the offline evolver; a night a
               restart interrupted is finished first. Refused while the daemon runs (it holds the lock).
  --dry-run    print the static prefix, the analysis prompt and their token estimate; calls no model

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, { now: { type: 'boolean' }, 'dry-run': { type: 'boolean' } });
    if (Boolean(values.now) === Boolean(values['dry-run'])) throw new UsageError('give exactly one of --now and --dry-run');
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const log = createLogger({
      level: config.log.level === 'info' ? 'warn' : config.log.level,
      pretty: false,
      destination: io.stderr,
      secrets: secretValues(config),
    });
    return withNight(config, io, log, async (db, dbPath) => {
      // No daemon runs (it would hold the lock): a paper test scheduled tonight is picked up at its next boot.
      const ports = evolutionPorts({ db, dbPath, config, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: io.cwd, log });
      const deps = nightDeps({ db, dbPath, config, clock: systemClock, log, repoRoot: PROJECT_ROOT, ports });
      if (values['dry-run']) {
        const dry = await dryRunNight(deps, config.orchestrator.maxTokens);
        io.stdout.write(
          `${dry.prefix.map((b, i) => `──── system block ${i + 1} of ${dry.prefix.length}${i === dry.prefix.length - 1 ? ' (cache breakpoint, 1 h)' : ''} ────\n${b}`).join('\n\n')}\n\n──── analysis prompt ────\n${dry.user}\n\n`,
        );
        io.stdout.write(
          `model ${dry.model}; estimated input tokens: ${dry.tokens.prefix} static prefix + ${dry.tokens.user} context = ${dry.tokens.total}; output up to ${dry.tokens.maxOutput}; nothing was sent\n`,
        );
        return EXIT.ok;
      }
      const lock = acquirePidLock({ path: databaseLockPath(dbPath) });
      try {
        const night = await runNightNow({ deps, snapshots: createRepositories(db).machineSnapshots, config, clock: systemClock, by: 'cli' });
        io.stdout.write(`${formatNight(night)}\n`);
        return night.cycle.outcome === 'failed' ? EXIT.failure : EXIT.ok;
      } finally {
        lock.release();
      }
    });
  },
};
