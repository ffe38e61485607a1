/**
 * `startDaemon`: the kernel wired for one mode. Only the venue (and its fill source) changes between
 * paper and live (DESIGN inv. 1); the supervisor, scanners, positions, breaker, risk gate and ledger are
 * the same. The root actor has an `error` observer (an unhandled child error must not crash Node) and an
 * `inspect` observer that logs one debug line per transition; `inspectUrl` adds the Stately WebSocket
 * inspector on loopback.
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import type { Logger } from 'pino';
import { createActor, waitFor, type Actor, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { breakerActors } from '../../actors/breaker.actors.ts';
import { positionActors } from '../../actors/position.actors.ts';
import { scannerActors } from '../../actors/scanner.actors.ts';
import { supervisorActors } from '../../actors/supervisor.actors.ts';
import { breakerMachine } from '../../machines/breaker.machine.ts';
import { positionMachine, type PositionTimeouts } from '../../machines/position.machine.ts';
import { scannerMachine } from '../../machines/scanner.machine.ts';
import { supervisorMachine } from '../../machines/supervisor.machine.ts';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import type { Pair } from '../contract/index.ts';
import { KrakenClient } from '../kraken/client.ts';
import { OrderApi } from '../kraken/orders.ts';
import type { ScheduleJob } from '../scheduler/jobs.ts';
import type { Venue } from '../trading/venue.ts';
import { LiveVenue } from '../venues/live.ts';
import { PaperVenue } from '../venues/paper.ts';
import { defaultEvolutionPorts } from '../orchestrator/ports.ts';
import type { EvolutionPorts } from '../orchestrator/pipeline-port.ts';
import type { NightDeps } from '../orchestrator/steps/night-deps.ts';
import { cycleMachine, nightDeps } from '../orchestrator/wiring.ts';
import { runChore, strategyWatch } from './chores.ts';
import { accountWatch } from './account.ts';
import { evolutionSettings, wireEvolution } from './evolution.ts';
import { publicFeed } from './feed.ts';
import { journalWriter } from './journal.ts';
import { tradeLog } from './trade-log.ts';
import { lazy, lazyRepos, need, type Runtime } from './runtime.ts';
import { closeStore, openStore, prepareBoot } from './store.ts';

export interface Endpoints {
  rest: string;
  wsPublic: string;
  wsPrivate: string;
}

export interface DaemonOptions {
  config: Config;
  log: Logger;
  /** Market time for the supervisor, positions and rows (the simulator's clock in the demo). */
  clock: Clock;
  endpoints: Endpoints;
  /** Absolute path (its lock is `<real path>.lock`). */
  dbPath: string;
  /** Where strategy/ and statistics/ modules are read (v001 seed) and archived. */
  repoRoot: string;
  filesRoot: string;
  positionTimeouts?: Partial<PositionTimeouts>;
  warmupBars?: number;
  /** ws://127.0.0.1:PORT of a Stately inspector server; never a remote one. */
  inspectUrl?: string;
  onScanRecorded?: (pair: Pair, candleTime: number) => void;
  /** The timetable (`brain run`); none in replays and tests, whose time is stepped by hand. */
  schedule?: readonly ScheduleJob[];
  /** The Kraken REST client's fetch (a replay counts the calls in flight through it); default the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Run the nightly orchestrator as a supervisor child (`brain run` when orchestrator.enabled; off in replays and tests). */
  orchestrator?: boolean;
  /** The evolution pipeline's functions for the orchestrator, given the open database (src/orchestrator/ports.ts fails closed without them). */
  evolution?: (deps: { db: Db; clock: Clock }) => Partial<Omit<EvolutionPorts, 'ledger'>>;
}

export type SupervisorActor = Actor<typeof supervisorMachine>;

export interface Daemon {
  readonly actor: SupervisorActor;
  readonly runtime: Runtime;
  readonly venue: Venue;
  /** Resolves with the final snapshot (stopped or failed). */
  readonly done: Promise<SnapshotFrom<typeof supervisorMachine>>;
  stop(signal: string, timeoutMs?: number): Promise<SnapshotFrom<typeof supervisorMachine>>;
}

/** The position machine's deadlines from config `orders` (seconds there, ms in the machine). */
export function orderDeadlines(config: Config): Partial<PositionTimeouts> {
  const o = config.orders;
  return { ackMs: o.ackTimeoutSeconds * 1000, settleMs: o.settleTimeoutSeconds * 1000, requeryMs: o.requerySeconds * 1000, maxQueries: o.maxQueries };
}

/** One debug line per transition of any machine in the tree (the root's inspect observer). */
export function transitionLog(log: Logger): (e: InspectionEvent) => void {
  const last = new Map<string, string>();
  return (e) => {
    if (e.type !== '@xstate.snapshot' || !log.isLevelEnabled('debug')) return;
    const value = (e.snapshot as { value?: unknown }).value;
    if (value === undefined) return;
    const text = JSON.stringify(value);
    if (last.get(e.actorRef.sessionId) === text) return;
    last.set(e.actorRef.sessionId, text);
    log.debug({ actor: (e.actorRef as { id?: string }).id ?? e.actorRef.sessionId, event: e.event.type, state: value }, 'transition');
  };
}

function venueFor(o: DaemonOptions, client: KrakenClient, rt: Runtime): { venue: Venue; paper: PaperVenue | null } {
  if (o.config.mode === 'live') return { venue: new LiveVenue({ client, orders: new OrderApi(client, o.clock), logger: o.log.child({ venue: 'live' }) }), paper: null };
  const paper = new PaperVenue({
    clock: o.clock, rules: (p) => need(rt, 'table').get(p).rules, fees: (p) => need(rt, 'table').get(p).fees,
    slippage: o.config.trading.slippageFraction, startingCash: o.config.paper.startingBalanceUsd, logger: o.log.child({ venue: 'paper' }),
  });
  return { venue: paper, paper };
}

function wire(o: DaemonOptions, rt: Runtime) {
  const { config, clock, log } = o;
  const secrets = config.secrets.krakenApiKey && config.secrets.krakenApiSecret ? { credentials: { key: config.secrets.krakenApiKey, secret: config.secrets.krakenApiSecret } } : {};
  // One clock (DESIGN): the REST client's timeouts, retries, rate budget and nonces run on the market clock
  // like the positions' deadlines, so against the simulator a call's timeout and the venue's rate counter are
  // in the simulator's time, and a replay that steps time waits until no call is in flight (replay.ts).
  const client = new KrakenClient({
    baseUrl: o.endpoints.rest, clock, logger: log.child({ component: 'kraken' }), fallbackFees: config.trading.fallbackFees, timeoutMs: config.orders.restTimeoutSeconds * 1000, tier: config.orders.krakenTier,
    ...secrets, ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const { venue, paper } = venueFor(o, client, rt);
  const repos = lazyRepos(rt);
  const deps = { config, clock, log, client, venue, paper, rt, endpoints: o.endpoints, dbPath: o.dbPath, repoRoot: o.repoRoot, filesRoot: o.filesRoot };
  const positions = positionMachine.provide({
    actors: positionActors({ venue, orders: repos.orders, positions: repos.positions, snapshots: repos.machineSnapshots, clock, log: log.child({ actor: 'position' }) }),
  });
  const breaker = breakerMachine.provide({ actors: breakerActors({ risk: repos.risk, snapshots: repos.machineSnapshots, clock, log }) });
  const scanner = scannerMachine.provide({
    actors: scannerActors({
      strategy: lazy(() => need(rt, 'strategy')), candles: repos.candles, signals: repos.signals, pairs: config.pairs, clock,
      log: log.child({ actor: 'scanner' }), warmupBars: o.warmupBars ?? 300, ...(o.onScanRecorded ? { onRecorded: o.onScanRecorded } : {}),
    }),
  });
  const evolution = wireEvolution({ config, rt, repos, clock, log, warmupBars: o.warmupBars ?? 300, repoRoot: o.repoRoot, filesRoot: o.filesRoot });
  const actors = supervisorActors({
    openStore: async () => openStore(deps),
    reconcile: () => prepareBoot(deps),
    feed: publicFeed({ url: o.endpoints.wsPublic, client, pairs: config.pairs, timeframe: config.market.timeframe, log: log.child({ component: 'feed' }), ...(paper ? { onPrice: (pair, price) => paper.onPrice(pair, price) } : {}) }),
    fills: paper
      ? (send) => paper.onFill((fill, order) => send({ type: 'venue.fill', fill, order }))
      : accountWatch({ url: o.endpoints.wsPrivate, client, venue, repos, clock, log: log.child({ component: 'account' }), balanceRetryMs: config.orders.balanceRecheckSeconds * 1000 }),
    journal: journalWriter(repos),
    cancelOrder: (clOrdId) => venue.cancelOrder(clOrdId),
    closeStore: () => closeStore(rt, log),
    jobs: o.schedule ?? [],
    clock,
    chore: (chore, now) => runChore({ config, client, rt, clock, paper, filesRoot: o.filesRoot, log: log.child({ component: 'chores' }), drift: (day) => evolution.drift(day), evolve: () => evolution.nightly() }, chore, now),
    strategyWatch: strategyWatch({ rt, clock, log: log.child({ component: 'strategy' }) }),
    log: log.child({ actor: 'supervisor' }),
  });
  return { venue, machine: supervisorMachine.provide({ actors: { ...actors, ...evolution.machines, position: positions, breaker, scanner, orchestratorCycle: nightlyCycle(o, rt, repos) } }) };
}

/** The cycle child's I/O, built on first use (after boot has opened the database), once. */
function nightlyCycle(o: DaemonOptions, rt: Runtime, repos: ReturnType<typeof lazyRepos>) {
  let night: NightDeps | undefined;
  const deps = lazy<NightDeps>(() => {
    const db = need(rt, 'db');
    return (night ??= nightDeps({ db, dbPath: o.dbPath, config: o.config, clock: o.clock, log: o.log, repoRoot: o.repoRoot, ports: defaultEvolutionPorts(db, o.evolution?.({ db, clock: o.clock })) }));
  });
  return cycleMachine(deps, { snapshots: repos.machineSnapshots, clock: o.clock, log: o.log.child({ component: 'orchestrator' }) });
}

export function startDaemon(o: DaemonOptions): Daemon {
  const rt: Runtime = {};
  const { venue, machine } = wire(o, rt);
  const logTransitions = transitionLog(o.log.child({ component: 'transitions' }));
  const inspector = o.inspectUrl ? createWebSocketInspector({ url: o.inspectUrl }) : null;
  const actor = createActor(machine, {
    input: {
      pairs: [...o.config.pairs], limits: o.config.risk, timeframe: o.config.market.timeframe, positionTimeouts: { ...orderDeadlines(o.config), ...o.positionTimeouts }, evolution: evolutionSettings(o.config),
      ...(o.orchestrator ? { orchestrator: { maxRepairs: o.config.orchestrator.cycle.maxRepairs, retryDelaySeconds: o.config.orchestrator.cycle.retryDelaySeconds } } : {}),
    },
    clock: o.clock,
    systemId: 'supervisor',
    inspect: (e) => {
      logTransitions(e);
      inspector?.inspect.next?.(e);
    },
  });
  rt.ledger = () => actor.getSnapshot().context.ledger;
  actor.on('*', tradeLog(o.log.child({ component: 'trading' })));
  const done = new Promise<SnapshotFrom<typeof supervisorMachine>>((resolve) => {
    actor.subscribe({
      next: (s) => {
        if (s.status !== 'done') return;
        inspector?.stop();
        // A failed boot may already hold the lock, the database and the strategy child: release them, or the
        // process lingers and the next start finds the lock taken.
        if (s.value === 'failed') void closeStore(rt, o.log).finally(() => resolve(s));
        else resolve(s);
      },
      error: (err) => {
        // The root has an error observer so a child's unhandled error never crashes Node (style.md §1).
        o.log.fatal({ err }, 'supervisor crashed');
        void closeStore(rt, o.log).finally(() => resolve(actor.getSnapshot()));
      },
    });
  });
  actor.start();
  return {
    actor, runtime: rt, venue, done,
    stop: async (signal, timeoutMs = 30_000) => {
      actor.send({ type: 'shutdown.requested', signal });
      return waitFor(actor, (s) => s.status === 'done', { timeout: timeoutMs });
    },
  };
}
