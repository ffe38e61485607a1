/**
 * The evolution pipeline wired into the daemon: the paper-test machine with its shadow and judge, the
 * supervisor's switch, rollback watch and bridge actors, the supervisor's evolution settings from the
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
import { engineConfig, type EngineConfig } from '../backtest/engine.ts';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Pair } from '../contract/index.ts';
import type { Repositories } from '../db/index.ts';
import { dailyDrift } from '../evolution/drift.ts';
import { startVersionRunner } from '../evolution/setup.ts';
import type { ShadowMarket } from '../evolution/shadow.ts';
import { StrategyHost } from '../sandbox/host/strategy-host.ts';
import { LiveStrategy } from '../sandbox/live.ts';
import { need, type Runtime } from './runtime.ts';

const HOUR_MS = 3_600_000;
type SupervisorActor = Actor<typeof supervisorMachine>;

export function evolutionSettings(config: Config): EvolutionSettings {
  const e = config.evolution;
  const canary = config.mode === 'live' && e.deploy.canarySizeFraction > 0 ? { fraction: e.deploy.canarySizeFraction, trades: e.deploy.canaryTrades } : null;
  const cooldownMs = config.rollback.cooldownHours * HOUR_MS;
  return { paper: { minDays: e.paper.minDays, maxDays: e.paper.maxDays, minTrades: e.paper.minTrades }, maxConcurrentPaperTests: e.paper.maxConcurrent, cooldownMs, reducingMs: cooldownMs, canary };
}

/** Paper tests to resume, and passed ones whose deploy did not complete (the ledger row still says paper). */
export function evolutionBoot(repos: Repositories, log: Logger): { paperTests: PaperTestRecord[]; pendingDeploys: Array<{ versionId: string; paperTestId: string }> } {
  const paperTests = repos.machineSnapshots.list('paperTest').filter((r) => r.machineVersion === PAPER_TEST_MACHINE_VERSION).map((r) => r.snapshot as PaperTestRecord);
  const pendingDeploys = repos.paperTests.all().filter((t) => {
    if (t.status !== 'passed') return false;
    const ledgerId = (t.result as { ledgerId?: number } | null)?.ledgerId;
    const row = ledgerId === undefined ? undefined : repos.ledger.byId(ledgerId);
    return row?.stage === 'paper' && row.verdict === 'passed';
  }).map((t) => ({ versionId: t.versionId, paperTestId: t.id }));
  if (paperTests.length + pendingDeploys.length > 0) log.info({ paperTests: paperTests.length, pendingDeploys: pendingDeploys.length }, 'evolution state restored');
  return { paperTests, pendingDeploys };
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
    initialCash: w.config.paper.startingBalanceUsd, slippage: w.config.trading.slippageFraction, limits: w.config.risk,
    fees: pairs.map((p) => table.get(p).fees), rules: pairs.map((p) => table.get(p).rules),
  });
}

export function wireEvolution(w: EvolutionWiring) {
  const { config, rt, repos, clock, log } = w;
  const market: ShadowMarket = {
    pairs: config.pairs, timeframe: config.market.timeframe, candles: repos.candles, warmupBars: w.warmupBars,
    engineConfig: (pairs) => engineConfigFor(w, pairs),
  };
  const versionOf = (id: string) => need(rt, 'versions').get(id);
  const paperTest = paperTestMachine.provide({
    actors: paperTestActors({
      shadow: (versionId) => ({
        market, decisions: repos.evolution, now: () => clock.now(),
        startStrategy: (view) => {
          const table = need(rt, 'table');
          const version = versionOf(versionId);
          return LiveStrategy.start(
            {
              setups: config.pairs.map((pair) => ({ pair, params: {}, fees: table.get(pair).fees, rules: table.get(pair).rules })),
              position: (pair) => view().positions[pair] ?? null, equity: () => view().equity, warmupBars: w.warmupBars,
              startHost: (v) => StrategyHost.start({ versionId: v.id, kind: 'strategy', bundle: v.bundle, logger: log.child({ component: 'shadow' }) }),
            },
            { id: version.id, bundle: version.bundle },
          );
        },
      }),
      judge: { market, decisions: repos.evolution, evolution: config.evolution, runnerFor: (id) => startVersionRunner(versionOf(id), log.child({ component: 'paper-judge' })) },
      paperTests: repos.paperTests, ledger: repos.ledger, snapshots: repos.machineSnapshots, clock, log,
    }),
  });
  const actors = evolutionActors({
    store: () => need(rt, 'versions'),
    swap: () => (v, commit) => need(rt, 'strategy').swap({ id: v.id, bundle: v.bundle }, commit),
    onSwitched: (versionId) => (rt.strategyVersion = versionId),
    ledger: repos.ledger, evolution: repos.evolution, paperTests: repos.paperTests, rollbackLimits: config.rollback,
    assumed: { slippage: config.trading.slippageFraction, takerFee: config.trading.fallbackFees.taker }, clock, log: log.child({ component: 'evolution' }),
  });
  const drift = (day: number) =>
    dailyDrift({ db: need(rt, 'db'), market, reports: repos.evolution, runnerFor: (id) => startVersionRunner(versionOf(id), log.child({ component: 'drift' })), now: () => clock.now() }, day);
  return { machines: { paperTest, ...actors }, drift };
}

/**
 * What the chat bot hands the evolution use cases inside the daemon: promote/rollback go to the
 * supervisor as events and resolve when the live host runs the version (or reject with why it did not);
 * paper-test commands reach it at once.
 */
export function daemonEvolutionControl(actor: SupervisorActor, versions: () => VersionStore): { control: StrategyControl; notify: (c: PaperTestCommand) => void } {
  const switched = (send: () => void, matches: (versionId: string) => boolean) =>
    new Promise<VersionRecord>((resolve, reject) => {
      const done = actor.on('strategy.activated', (e) => {
        if (!matches(e.versionId)) return;
        stop();
        resolve(versions().get(e.versionId));
      });
      const failed = actor.on('supervisor.alert', (e) => {
        if (!e.message.startsWith('strategy ')) return;
        stop();
        reject(new Error(e.message));
      });
      const stop = () => {
        done.unsubscribe();
        failed.unsubscribe();
      };
      send();
    });
  return {
    control: {
      deploy: (versionId, by, reason) => switched(() => actor.send({ type: 'strategy.deploy', versionId, by, reason }), (v) => v === versionId),
      rollback: (by) => {
        const from = versions().repo.active('strategy')?.versionId;
        return switched(() => actor.send({ type: 'strategy.rollback', by, trigger: null }), (v) => v !== from);
      },
    },
    notify: (c) => actor.send(c),
  };
}
