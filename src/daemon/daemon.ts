/**
 * `startDaemon`: the kernel wired for one mode. Only the venue (and its fill source) changes between
 * paper and live (DESIGN inv. 1); the supervisor, scanners, positions, breaker, risk gate and ledger are
 * the same. The root actor has an `error` observer (an unhandled child error must not crash Node) and an
 * `inspect` observer that logs one debug line per transition; `inspector` (the `--inspect` endpoint,
 * src/inspect) hears the same stream and is shown the tree.
 */
import type { Logger } from 'pino';
import { createActor, waitFor, type Actor, type AnyActorRef, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { breakerActors } from '../../actors/breaker.actors.ts';
import { positionActors } from '../../actors/position.actors.ts';
import { scannerActors } from '../../actors/scanner.actors.ts';
import { connectionActors } from '../../actors/connection.actors.ts';
import { supervisorActors, type VenueWatch } from '../../actors/supervisor.actors.ts';
import { connectionMachine } from '../../machines/connection.machine.ts';
import type { FeedSettings } from '../../machines/supervisor-feed.ts';
import { breakerMachine } from '../../machines/breaker.machine.ts';
import { positionMachine, type PositionTimeouts } from '../../machines/position.machine.ts';
import { scannerMachine } from '../../machines/scanner.machine.ts';
import { supervisorMachine } from '../../machines/supervisor.machine.ts';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Pair } from '../contract/index.ts';
import { KrakenClient } from '../kraken/client.ts';
import { OrderApi } from '../kraken/orders.ts';
import type { ScheduleJob } from '../scheduler/jobs.ts';
import type { Venue } from '../trading/venue.ts';
import { LiveVenue } from '../venues/live.ts';
import { PaperVenue } from '../venues/paper.ts';
import type { CandleSource } from '../evolution/setup.ts';
import { evolutionPorts } from '../orchestrator/ports.ts';
import type { NightDeps } from '../orchestrator/steps/night-deps.ts';
import { cycleMachine, nightDeps } from '../orchestrator/wiring.ts';
import { runChore } from '../../actors/supervisor/chores.ts';
import { accountWatch } from '../../actors/supervisor/account-watch.ts';
import { candleBackfill } from '../../actors/supervisor/candle-backfill.ts';
import { journalWriter } from '../../actors/supervisor/journal.ts';
import { evolutionSettings, wireEvolution } from './evolution.ts';
import { tradeLog } from './trade-log.ts';
import { lazy, lazyRepos, need, type Runtime } from './runtime.ts';
import { closeStore, openStore, prepareBoot, takeTradingLease } from '../../actors/supervisor/store.ts';
import { Gates } from '../sandbox/gates/index.ts';

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
  /** The `--inspect` endpoint (src/inspect): it hears the tree's inspection stream and is shown the root. */
  inspector?: { inspect(e: InspectionEvent): void; attach(root: AnyActorRef): void };
  onScanRecorded?: (pair: Pair, candleTime: number) => void;
  /** The timetable (`brain run`); none in replays and tests, whose time is stepped by hand. */
  schedule?: readonly ScheduleJob[];
  /** The Kraken REST client's fetch (a replay counts the calls in flight through it); default the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Run the nightly orchestrator as a supervisor child (`brain run` when orchestrator.enabled; off in replays and tests). */
  orchestrator?: boolean;
  /** The candles the nightly cycle's candidates are judged on; default the candle store (the demo judges on its bundled files). */
  evolutionCandles?: CandleSource;
  /** Connection tuning and restart backoff (a replay steps time by whole candles); the mode comes from the config. */
  feed?: Omit<FeedSettings, 'mode'>;
  /** Default: the gates in a gate process of their own that ends when idle, so the daemon never keeps the compiler. */
  gates?: Gates;
}

export type SupervisorActor = Actor<typeof supervisorMachine>;

export interface Daemon {
  readonly actor: SupervisorActor;
  readonly runtime: Runtime;
  readonly venue: Venue;
  /** The market clock the supervisor runs on (the simulator's in a replay). */
  readonly clock: Clock;
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
  if (o.config.mode === 'live')
    return { venue: new LiveVenue({ client, orders: new OrderApi(client, o.clock), logger: o.log.child({ venue: 'live' }) }), paper: null };
  const paper = new PaperVenue({
    clock: o.clock,
    rules: (p) => need(rt, 'table').get(p).rules,
    fees: (p) => need(rt, 'table').get(p).fees,
    slippage: o.config.trading.slippageFraction,
    startingCash: o.config.paper.startingBalanceUsd,
    logger: o.log.child({ venue: 'paper' }),
  });
  return { venue: paper, paper };
}

function wire(o: DaemonOptions, rt: Runtime) {
  const { config, clock, log } = o;
  const secrets =
    config.secrets.krakenApiKey && config.secrets.krakenApiSecret
      ? { credentials: { key: config.secrets.krakenApiKey, secret: config.secrets.krakenApiSecret } }
      : {};
  // One clock (DESIGN): the REST client's timeouts, retries, rate budget and nonces run on the market clock
  // like the positions' deadlines, so against the simulator a call's timeout and the venue's rate counter are
  // in the simulator's time, and a replay that steps time waits until no call is in flight (replay.ts).
  const client = new KrakenClient({
    baseUrl: o.endpoints.rest,
    clock,
    logger: log.child({ component: 'kraken' }),
    fallbackFees: config.trading.fallbackFees,
    timeoutMs: config.orders.restTimeoutSeconds * 1000,
    tier: config.orders.krakenTier,
    ...secrets,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const { venue, paper } = venueFor(o, client, rt);
  const repos = lazyRepos(rt);
  const deps = { config, clock, log, client, venue, paper, rt, endpoints: o.endpoints, dbPath: o.dbPath, repoRoot: o.repoRoot, filesRoot: o.filesRoot };
  const positions = positionMachine.provide({
    actors: positionActors({
      venue,
      orders: repos.orders,
      positions: repos.positions,
      snapshots: repos.machineSnapshots,
      clock,
      log: log.child({ actor: 'position' }),
    }),
  });
  const breaker = breakerMachine.provide({ actors: breakerActors({ risk: repos.risk, snapshots: repos.machineSnapshots, clock, log }) });
  const scanner = scannerMachine.provide({
    actors: scannerActors({
      strategy: lazy(() => need(rt, 'strategy')),
      candles: repos.candles,
      signals: repos.signals,
      pairs: config.pairs,
      clock,
      log: log.child({ actor: 'scanner' }),
      warmupBars: o.warmupBars ?? 300,
      ...(o.onScanRecorded ? { onRecorded: o.onScanRecorded } : {}),
    }),
  });
  const evolution = wireEvolution({ config, rt, repos, clock, log, warmupBars: o.warmupBars ?? 300, repoRoot: o.repoRoot, filesRoot: o.filesRoot });
  // Told by the key lease's heartbeat if another trader takes our Kraken key; startDaemon points it at the root.
  const keyLease = { lost: (message: string) => log.fatal(message) };
  const actors = supervisorActors({
    openStore: async () => {
      openStore(deps);
      await takeTradingLease(deps, (message) => keyLease.lost(message));
    },
    reconcile: () => prepareBoot(deps),
    fills: paper
      ? paperWatch(paper)
      : accountWatch({ client, venue, repos, clock, log: log.child({ component: 'account' }), balanceRetryMs: config.orders.balanceRecheckSeconds * 1000 }),
    backfill: candleBackfill({ client, repos, clock }),
    journal: journalWriter(repos),
    cancelOrder: (clOrdId) => venue.cancelOrder(clOrdId),
    closeStore: () => closeStore(rt, log),
    jobs: o.schedule ?? [],
    clock,
    chore: (chore, now) =>
      runChore(
        { config, client, rt, clock, paper, filesRoot: o.filesRoot, log: log.child({ component: 'chores' }), drift: (day) => evolution.drift(day) },
        chore,
        now,
      ),
    log: log.child({ actor: 'supervisor' }),
  });
  // The lines' sockets keep real time (pings, request timeouts); the connection machines' own delays run on the tree's clock.
  const connection = connectionMachine.provide({
    actors: connectionActors({
      urls: { public: o.endpoints.wsPublic, private: o.endpoints.wsPrivate },
      client,
      clock: systemClock,
      logger: log.child({ component: 'feed' }),
      deadManSwitch: paper ? false : {},
    }),
  });
  return {
    venue,
    keyLease,
    machine: supervisorMachine.provide({
      actors: { ...actors, ...evolution.machines, position: positions, breaker, scanner, connection, orchestratorCycle: nightlyCycle(o, rt, repos) },
    }),
  };
}

/** The paper venue as the supervisor's venue watch: its fills come back, the live prices go in (they fill the waiting orders). */
function paperWatch(paper: PaperVenue): VenueWatch {
  return (send, onCommand) => {
    onCommand((cmd) => {
      if (cmd.type === 'venue.price') paper.onPrice(cmd.pair, cmd.price);
    });
    return paper.onFill((fill, order) => send({ type: 'venue.fill', fill, order }));
  };
}

/** The cycle child's I/O over the real pipeline (src/orchestrator/ports.ts), built on first use (after boot has opened the database), once. */
function nightlyCycle(o: DaemonOptions, rt: Runtime, repos: ReturnType<typeof lazyRepos>) {
  let night: NightDeps | undefined;
  const build = (): NightDeps => {
    const db = need(rt, 'db');
    const ports = evolutionPorts({
      db,
      dbPath: o.dbPath,
      config: o.config,
      clock: o.clock,
      repoRoot: o.repoRoot,
      filesRoot: o.filesRoot,
      log: o.log,
      // A paper test the night schedules reaches the supervisor at once.
      notify: (command) => need(rt, 'supervisor').send(command),
      gates: need(rt, 'gates'),
      ...(o.evolutionCandles ? { candles: o.evolutionCandles } : {}),
    });
    return nightDeps({ db, dbPath: o.dbPath, config: o.config, clock: o.clock, log: o.log, repoRoot: o.repoRoot, ports });
  };
  return cycleMachine(
    lazy<NightDeps>(() => (night ??= build())),
    { snapshots: repos.machineSnapshots, clock: o.clock, log: o.log.child({ component: 'orchestrator' }) },
  );
}

export function startDaemon(o: DaemonOptions): Daemon {
  const rt: Runtime = { gates: o.gates ?? new Gates(o.repoRoot, { process: {} }) };
  const { venue, keyLease, machine } = wire(o, rt);
  const logTransitions = transitionLog(o.log.child({ component: 'transitions' }));
  const inspector = o.inspector;
  const actor = createActor(machine, {
    id: 'supervisor',
    input: {
      pairs: [...o.config.pairs],
      limits: o.config.risk,
      timeframe: o.config.market.timeframe,
      positionTimeouts: { ...orderDeadlines(o.config), ...o.positionTimeouts },
      evolution: evolutionSettings(o.config),
      ...(o.orchestrator
        ? { orchestrator: { maxRepairs: o.config.orchestrator.cycle.maxRepairs, retryDelaySeconds: o.config.orchestrator.cycle.retryDelaySeconds } }
        : {}),
      feed: { mode: o.config.mode, ...o.feed },
    },
    clock: o.clock,
    systemId: 'supervisor',
    inspect: (e) => {
      logTransitions(e);
      inspector?.inspect(e);
    },
  });
  inspector?.attach(actor);
  rt.ledger = () => actor.getSnapshot().context.ledger;
  rt.supervisor = actor;
  keyLease.lost = (message) => {
    o.log.fatal({ component: 'lease' }, message);
    actor.send({ type: 'shutdown.requested', signal: 'Kraken key lease lost' });
  };
  actor.on('*', tradeLog(o.log.child({ component: 'trading' })));
  const done = new Promise<SnapshotFrom<typeof supervisorMachine>>((resolve) => {
    actor.subscribe({
      next: (s) => {
        if (s.status !== 'done') return;
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
    actor,
    runtime: rt,
    venue,
    done,
    clock: o.clock,
    stop: async (signal, timeoutMs = 30_000) => {
      actor.send({ type: 'shutdown.requested', signal });
      return waitFor(actor, (s) => s.status === 'done', { timeout: timeoutMs });
    },
  };
}
