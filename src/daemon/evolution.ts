/**
 * The evolution pipeline wired into the daemon: the paper-test machine with its shadow and judge, the
 * supervisor's switch and rollback watch actors, the console's evolution port, the supervisor's settings from the
 * config, and what boot hands over (paper tests to resume, a deploy a restart cut short). Kept apart
 * from daemon.ts so the kernel's wiring stays one screen.
 */
import type { Logger } from 'pino';
import { evolutionActors } from '../../actors/evolution.actors.ts';
import { paperTestActors } from '../../actors/paper-test.actors.ts';
import { PAPER_TEST_MACHINE_VERSION, paperTestMachine, type PaperTestRecord } from '../../machines/paper-test.machine.ts';
import type { EvolutionSettings, PaperTestCommand } from '../../machines/supervisor-evolution.ts';
import type { supervisorMachine } from '../../machines/supervisor.machine.ts';
import type { Actor } from 'xstate';
import type { VersionRecord } from '../db/versions.repo.ts';
import type { StrategyControl } from '../evolution/deploy.ts';
import type { VersionStore } from '../versions/store.ts';
import type { EngineConfig } from '../backtest/engine.ts';
import { engineConfig } from '../backtest/engine-config.ts';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Pair } from '../contract/index.ts';
import type { Repositories } from '../db/index.ts';
import { dailyDrift } from '../evolution/drift.ts';
import { scheduledCommand } from '../evolution/paper-tests.ts';
import { evolve, pipelineSetup, startVersionRunner } from '../evolution/setup.ts';
import { evolverSummary } from '../evolution/evolver.ts';
import { evolutionPort } from '../control/evolution-port.ts';
import type { ConsoleNotice, EvolutionPort, PipelineOutcome } from '../control/ports.ts';
import type { Daemon } from './daemon.ts';
import type { ShadowMarket } from '../evolution/shadow.ts';
import { StrategyHost } from '../sandbox/host/strategy-host.ts';
import { LiveStrategy } from '../sandbox/live.ts';
import { need, type Runtime } from './runtime.ts';
import { BrainError, describeError, toErrorInfo } from '../contract/errors.ts';

const HOUR_MS = 3_600_000;
type SupervisorActor = Actor<typeof supervisorMachine>;

export function evolutionSettings(config: Config): EvolutionSettings {
  const e = config.evolution;
  const canary = config.mode === 'live' && e.deploy.canarySizeFraction > 0 ? { fraction: e.deploy.canarySizeFraction, trades: e.deploy.canaryTrades } : null;
  const cooldownMs = config.rollback.cooldownHours * HOUR_MS;
  return {
    paper: { minDays: e.paper.minDays, maxDays: e.paper.maxDays, minTrades: e.paper.minTrades },
    maxConcurrentPaperTests: e.paper.maxConcurrent,
    cooldownMs,
    reducingMs: cooldownMs,
    canary,
  };
}

type ScheduledTest = Extract<PaperTestCommand, { type: 'paperTest.scheduled' }>;

/**
 * What boot reads of the evolution pipeline's rows — the database is the request only while no daemon
 * runs: paper tests to resume (their machines), tests another process scheduled meanwhile (a row
 * without a machine) or cancelled meanwhile (its machine is dropped), and passed tests whose deploy did
 * not complete (the ledger row still says paper).
 */
export function evolutionBoot(
  repos: Repositories,
  log: Logger,
): { paperTests: PaperTestRecord[]; scheduledPaperTests: ScheduledTest[]; pendingDeploys: Array<{ versionId: string; paperTestId: string }> } {
  const machines = repos.machineSnapshots.list('paperTest').filter((r) => r.machineVersion === PAPER_TEST_MACHINE_VERSION);
  const ended = (id: string) => ['passed', 'failed', 'cancelled'].includes(repos.paperTests.byId(id)?.status ?? 'scheduled');
  for (const m of machines.filter((r) => ended(r.actorId))) repos.machineSnapshots.delete(m.actorId);
  const paperTests = machines.filter((r) => !ended(r.actorId)).map((r) => r.snapshot as PaperTestRecord);
  const known = new Set(machines.map((r) => r.actorId));
  const scheduledPaperTests = repos.paperTests
    .active()
    .filter((t) => t.status === 'scheduled' && !known.has(t.id))
    .map(scheduledCommand);
  const pendingDeploys = repos.paperTests
    .all()
    .filter((t) => {
      if (t.status !== 'passed') return false;
      const ledgerId = (t.result as { ledgerId?: number } | null)?.ledgerId;
      const row = ledgerId === undefined ? undefined : repos.ledger.byId(ledgerId);
      return row?.stage === 'paper' && row.verdict === 'passed';
    })
    .map((t) => ({ versionId: t.versionId, paperTestId: t.id }));
  if (paperTests.length + scheduledPaperTests.length + pendingDeploys.length > 0) {
    log.info({ paperTests: paperTests.length, scheduled: scheduledPaperTests.length, pendingDeploys: pendingDeploys.length }, 'evolution state restored');
  }
  return { paperTests, scheduledPaperTests, pendingDeploys };
}

export interface EvolutionWiring {
  config: Config;
  rt: Runtime;
  repos: Repositories;
  clock: Clock;
  log: Logger;
  warmupBars: number;
  repoRoot: string;
  filesRoot: string;
}

/** The costs, rules and limits of a shadow or judge run: the pair table's, the config's risk and slippage. */
function engineConfigFor(w: EvolutionWiring, pairs: readonly Pair[]): EngineConfig {
  const table = need(w.rt, 'table');
  return engineConfig(pairs, {
    initialCash: w.config.paper.startingBalanceUsd,
    slippage: w.config.trading.slippageFraction,
    limits: w.config.risk,
    fees: pairs.map((p) => table.get(p).fees),
    rules: pairs.map((p) => table.get(p).rules),
  });
}

export function wireEvolution(w: EvolutionWiring) {
  const { config, rt, repos, clock, log } = w;
  const market: ShadowMarket = {
    pairs: config.pairs,
    timeframe: config.market.timeframe,
    candles: repos.candles,
    warmupBars: w.warmupBars,
    engineConfig: (pairs) => engineConfigFor(w, pairs),
  };
  const versionOf = (id: string) => need(rt, 'versions').get(id);
  const paperTest = paperTestMachine.provide({
    actors: paperTestActors({
      shadow: (versionId) => ({
        market,
        decisions: repos.evolution,
        now: () => clock.now(),
        startStrategy: (view) => {
          const table = need(rt, 'table');
          const version = versionOf(versionId);
          return LiveStrategy.start(
            {
              setups: config.pairs.map((pair) => ({ pair, params: {}, fees: table.get(pair).fees, rules: table.get(pair).rules })),
              position: (pair) => view().positions[pair] ?? null,
              equity: () => view().equity,
              warmupBars: w.warmupBars,
              startHost: (v) => StrategyHost.start({ versionId: v.id, kind: 'strategy', bundle: v.bundle, logger: log.child({ component: 'shadow' }) }),
            },
            { id: version.id, bundle: version.bundle },
          );
        },
      }),
      judge: {
        market,
        decisions: repos.evolution,
        evolution: config.evolution,
        runnerFor: (id) => startVersionRunner(versionOf(id), log.child({ component: 'paper-judge' })),
      },
      paperTests: repos.paperTests,
      ledger: repos.ledger,
      snapshots: repos.machineSnapshots,
      clock,
      log,
    }),
  });
  const actors = evolutionActors({
    store: () => need(rt, 'versions'),
    swap: () => (v, commit) => need(rt, 'strategy').swap({ id: v.id, bundle: v.bundle }, commit),
    onSwitched: (versionId) => (rt.strategyVersion = versionId),
    ledger: repos.ledger,
    evolution: repos.evolution,
    paperTests: repos.paperTests,
    rollbackLimits: config.rollback,
    assumed: { slippage: config.trading.slippageFraction, takerFee: config.trading.fallbackFees.taker },
    clock,
    log: log.child({ component: 'evolution' }),
  });
  const drift = (day: number) =>
    dailyDrift(
      {
        db: need(rt, 'db'),
        market,
        reports: repos.evolution,
        runnerFor: (id) => startVersionRunner(versionOf(id), log.child({ component: 'drift' })),
        now: () => clock.now(),
      },
      day,
    );
  return { machines: { paperTest, ...actors }, drift };
}

/**
 * What the evolution use cases get inside the daemon: promote/rollback go to the supervisor as events and
 * resolve when the live host runs the version (or reject with why it did not, or after `timeoutMs` without
 * an answer); paper-test commands reach it at once.
 */
export function daemonEvolutionControl(
  actor: SupervisorActor,
  versions: () => VersionStore,
  timer?: { clock: Clock; ms: number },
): { control: StrategyControl; notify: (c: PaperTestCommand) => void } {
  const switched = (send: () => void, matches: (e: { versionId: string; kind?: 'deploy' | 'rollback' }) => boolean) =>
    new Promise<VersionRecord>((resolve, reject) => {
      const done = actor.on('strategy.activated', (e) => {
        if (!matches(e)) return;
        stop();
        resolve(versions().get(e.versionId));
      });
      const failed = actor.on('supervisor.alert', (e) => {
        if (!e.message.startsWith('strategy ')) return;
        stop();
        // The alert's text already leads with the swap failure's code; its retry verdict is kept.
        reject(new BrainError(e.message, { domain: 'evolution', code: 'switch_failed', retryable: e.error?.retryable ?? false }));
      });
      const timeout = timer?.clock.setTimeout(() => {
        stop();
        reject(
          new BrainError(`the supervisor did not report the switch within ${Math.round(timer.ms / 1000)} s; /strategy shows what runs`, {
            domain: 'evolution',
            code: 'switch_unconfirmed',
            retryable: false,
          }),
        );
      }, timer.ms);
      const stop = () => {
        done.unsubscribe();
        failed.unsubscribe();
        if (timeout !== undefined) timer?.clock.clearTimeout(timeout);
      };
      send();
    });
  return {
    control: {
      deploy: (versionId, by, reason) =>
        switched(
          () => actor.send({ type: 'strategy.deploy', versionId, by, reason }),
          (e) => e.kind === 'deploy' && e.versionId === versionId,
        ),
      rollback: (by) =>
        switched(
          () => actor.send({ type: 'strategy.rollback', by, trigger: null }),
          (e) => e.kind === 'rollback',
        ),
    },
    notify: (c) => actor.send(c),
  };
}

export interface DaemonEvolutionPortOptions {
  daemon: Daemon;
  config: Config;
  log: Logger;
  /** The daemon's database file and folders (the evolver's statistics checks and version archive). */
  dbPath: string;
  repoRoot: string;
  filesRoot: string;
  /** Wall time for the switch's answer timeout (control.timeoutSeconds). */
  clock: Clock;
  /** Tells the operator an evolver run started from the console has ended (the console's notifications). */
  announce: (notice: Extract<ConsoleNotice, { type: 'evolver.finished' }>) => void;
}

/** The console's evolution port inside the daemon: every change an event to the supervisor, /evolve a background run. */
export function daemonEvolutionPort(o: DaemonEvolutionPortOptions): EvolutionPort {
  const rt = o.daemon.runtime;
  const { control, notify } = daemonEvolutionControl(o.daemon.actor, () => need(rt, 'versions'), {
    clock: o.clock,
    ms: o.config.control.timeoutSeconds * 1000,
  });
  let running: Promise<void> | null = null;
  const budgetMs = o.config.evolution.evolver.budgetMinutes * 60_000;
  const evolveNow = async (by: string): Promise<PipelineOutcome> => {
    if (running) return { ok: false, code: 'refused', reason: 'an evolver run started from the console is still going; you hear when it ends' };
    const setup = pipelineSetup({
      db: need(rt, 'db'),
      dbPath: o.dbPath,
      config: o.config,
      clock: o.daemon.clock,
      repoRoot: o.repoRoot,
      filesRoot: o.filesRoot,
      log: o.log,
      notify,
      ...(rt.gates ? { gates: rt.gates } : {}),
    });
    const at = () => o.daemon.clock.now();
    running = evolve(setup, { ms: budgetMs })
      .then(
        (r) => o.announce({ type: 'evolver.finished', by, summary: evolverSummary(r), at: at() }),
        (err: unknown) => o.announce({ type: 'evolver.finished', by, summary: `failed, nothing deployed: ${describeError(toErrorInfo(err))}`, at: at() }),
      )
      .finally(() => (running = null));
    return {
      ok: true,
      message: `Offline evolver started by ${by}: up to ${o.config.evolution.evolver.budgetMinutes} min on the active strategy's parameters. A winner goes to a paper test; you hear when the run ends.`,
    };
  };
  return evolutionPort({
    where: 'daemon',
    open: async () => {
      const repos = need(rt, 'repos');
      const clock = o.daemon.clock;
      return {
        deps: {
          deploy: { store: need(rt, 'versions'), ledger: repos.ledger, paperTests: repos.paperTests, clock, control },
          paper: { paperTests: repos.paperTests, clock, evolution: o.config.evolution, notify },
        },
        close: () => undefined,
      };
    },
    evolve: evolveNow,
  });
}
