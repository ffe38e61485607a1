/**
 * The night's dependencies built one way for the daemon, the CLI, the demo and the tests: the model
 * client only with a key and a non-zero budget (else the offline evolver takes the night), secrets
 * collected from config for redaction, the static prefix, the database-backed context sources, and the
 * cycle machine provided with its real actors.
 */
import type { Logger } from 'pino';
import { orchestratorCycleActors } from '../../actors/orchestrator-cycle.actors.ts';
import { orchestratorCycleMachine, type CycleInput } from '../../machines/orchestrator-cycle.machine.ts';
import type { Clock } from '../clock/clock.ts';
import { secretValues, type Config } from '../config/index.ts';
import { orchestratorRepo } from '../db/orchestrator.repo.ts';
import { orchestratorCyclesRepo } from '../db/orchestrator-cycles.repo.ts';
import type { Db, MachineSnapshotsRepo } from '../db/index.ts';
import { sandboxStatisticsReporter } from './context/statistics-reporter.ts';
import { dbContextSources, type StatisticsReporter } from './context/sources.ts';
import { LlmClient } from './llm/client.ts';
import type { EvolutionPorts } from './pipeline-port.ts';
import { staticPrefix } from './prompts/static-prefix.ts';
import { matchableSecrets } from './secrets.ts';
import type { NightDeps } from './steps/night-deps.ts';

export interface NightWiring {
  db: Db;
  /** The database file (statistics queries run on their own read-only connection to it). */
  dbPath: string;
  config: Config;
  clock: Clock;
  log: Logger;
  repoRoot: string;
  ports: EvolutionPorts;
  /** Default: the active statistics modules run in the sandbox. */
  statistics?: StatisticsReporter;
}

/** Whether tonight's nights call a model: a key and a budget; otherwise the offline evolver runs them. */
export function modelAvailable(config: Config): boolean {
  return Boolean(config.secrets.anthropicApiKey) && config.orchestrator.dailyBudgetUsd > 0;
}

export function nightDeps(w: NightWiring): NightDeps {
  const o = w.config.orchestrator;
  const log = w.log.child({ component: 'orchestrator' });
  const secrets = matchableSecrets(secretValues(w.config));
  const llm = modelAvailable(w.config)
    ? new LlmClient({ apiKey: w.config.secrets.anthropicApiKey!, settings: o, usage: orchestratorRepo(w.db), clock: w.clock, secrets, log })
    : null;
  return {
    cycles: orchestratorCyclesRepo(w.db),
    llm,
    models: o.models,
    cycle: o.cycle,
    prefix: staticPrefix(w.repoRoot),
    sources: dbContextSources({ db: w.db, config: w.config, statistics: w.statistics ?? sandboxStatisticsReporter({ db: w.db, dbPath: w.dbPath, log }) }),
    ports: w.ports,
    clock: w.clock,
    log,
    secrets,
  };
}

/** `night` may be a lazy view; clock and log are read at once (the persister starts with the machine). */
export function cycleMachine(night: NightDeps, io: { snapshots: MachineSnapshotsRepo; clock: Clock; log: Logger }) {
  return orchestratorCycleMachine.provide({ actors: orchestratorCycleActors({ night, ...io }) });
}

export function cycleInput(config: Config, now: number): CycleInput {
  return { now, maxRepairs: config.orchestrator.cycle.maxRepairs, retryDelaySeconds: config.orchestrator.cycle.retryDelaySeconds };
}
