/**
 * The daemon against the Kraken simulator replaying bundled candles, in paper or live mode: what `brain
 * demo` and the integration tests run. The replay is stepped one candle at a time and each step waits
 * until every pair's scan is written AND no REST call is in flight, so the run is as fast as the daemon
 * digests and never skips a candle (a fixed speed either idles or outruns the scans). The simulator is
 * the market: its clock is the daemon's one clock (rows, days, order deadlines, the Kraken client's
 * timeouts and rate budget), so time only jumps while nothing waits on the wire and a call never sees
 * five minutes pass under it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { countingFetch } from '../kraken/counting-fetch.ts';
import type { Logger } from 'pino';
import { waitFor } from 'xstate';
import type { SupervisorEmitted } from '../../machines/supervisor.machine.ts';
import { ConfigSchema, type Config } from '../config/index.ts';
import type { Pair } from '../contract/index.ts';
import { loadCandleDir, SimDataError } from '../sim/candles-csv.ts';
import { DEFAULT_SIM_DATA_DIR, SIM_TEST_ACCOUNT, startKrakenSim, type KrakenSim, type SimOptions } from '../sim/index.ts';
import { Gates } from '../sandbox/gates/index.ts';
import { startDaemon, type Daemon, type DaemonOptions } from './daemon.ts';
import { BrainError, describeError } from '../contract/errors.ts';

const STEP = 300_000;
const DAY = 86_400_000;

export interface ReplayOptions {
  workDir: string;
  repoRoot: string;
  log: Logger;
  dataDir?: string;
  /** Default: every pair with data. */
  pairs?: Pair[];
  /** History before the replay, bootstrapped by REST and replayed into the strategy (default 2 days). */
  warmupDays?: number;
  /** Replay length (default: to the end of the data). */
  days?: number;
  /** paper (default): simulated fills in the daemon; live: real orders at the simulator with SIM_TEST_ACCOUNT's keys. */
  mode?: 'paper' | 'live';
  /** The simulator's seed: trade paths within each candle, books and ids (default 1). */
  seed?: number;
  /** Settings on top of the defaults (risk limits, balance…). */
  settings?: Record<string, unknown>;
  onEvent?: (e: SupervisorEmitted) => void;
  /** Called after each replayed step with the replay time. */
  onStep?: (time: number) => void;
  /** Run the nightly orchestrator child; its candidates are judged on `candles` (default the candle store). */
  orchestrator?: { candles?: NonNullable<DaemonOptions['evolutionCandles']> };
  /**
   * Where the daemon gates. Default in-process: a replay is a short-lived process (the demo, a test, a bench)
   * with no compiler to shed, and forking a gate process would slow every fresh-database boot's v001 seed.
   * `brain run` keeps startDaemon's default, a gate process that ends when idle.
   */
  gates?: DaemonOptions['gates'];
  /** Simulator settings on top of the replay's (e.g. its ohlc snapshot size). */
  sim?: Pick<SimOptions, 'ohlcSnapshotCandles'>;
  /** Connection tuning on top of the replay's stepped-time delays (e.g. fewer attempts before a line gives up). */
  feed?: NonNullable<DaemonOptions['feed']>;
  /** The `--inspect` endpoint to hand the tree to. */
  inspector?: DaemonOptions['inspector'];
}

export interface Replay {
  readonly daemon: Daemon;
  readonly sim: KrakenSim;
  readonly config: Config;
  readonly from: number;
  readonly to: number;
  /**
   * One step of `ms` (default one candle) past wherever the replay is, waiting for its scans: resolves once
   * the step's scans are written and no REST call is in flight. run() steps to the end of the data; a test
   * may step on past it on the same clock to let the daemon settle.
   */
  step(ms?: number): Promise<void>;
  /** Steps the replay to the end; resolves with the number of candle steps replayed. */
  run(): Promise<number>;
  /** Resolves once no REST call of the daemon is in flight. */
  quiet(): Promise<void>;
  /** Graceful stop of the daemon (snapshots kept, store closed), then the simulator. */
  close(): Promise<void>;
}

/** Resolves when `count()` reaches `target`, or when it has not moved for `idleMs` (a pair without a candle). */
function settle(count: () => number, target: number, idleMs: number, bump: (fn: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(done, idleMs);
    };
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const off = bump(() => (count() >= target ? done() : arm()));
    if (count() >= target) done();
    else arm();
  });
}

/** A daemon that cannot even be wired must not leave the simulator listening (the process would never exit). */
function startOrClose(sim: KrakenSim, start: () => Daemon): Daemon {
  try {
    return start();
  } catch (err) {
    void sim.close();
    throw err;
  }
}

export async function startReplay(o: ReplayOptions): Promise<Replay> {
  const dataDir = o.dataDir ?? DEFAULT_SIM_DATA_DIR;
  const series = loadCandleDir(dataDir, o.pairs);
  const first = Math.max(...series.map((s) => s.time[0]!));
  const last = Math.min(...series.map((s) => s.time[s.time.length - 1]!));
  const from = first + (o.warmupDays ?? 2) * DAY;
  const to = o.days === undefined ? last : Math.min(last, from + o.days * DAY);
  if (to < from + STEP) {
    const span =
      last > first
        ? `${new Date(first).toISOString().slice(0, 16)} → ${new Date(last).toISOString().slice(0, 16)} (${((last - first) / DAY).toFixed(1)} days)`
        : 'no common time at all';
    throw new SimDataError(
      `no usable candles in ${dataDir}: ${series.map((s) => s.pair).join(', ')} have candles in common over ${span}, and a replay needs more than its ${o.warmupDays ?? 2}-day warm-up; add candles or pick pairs whose files overlap`,
    );
  }
  const pairs = series.map((s) => s.pair);
  // A candle's first trade is at its open time T and closes the previous candle: the step ending at T brings one scan per pair with a candle at T.
  const opens = series.map((s) => new Set(Array.from(s.time)));
  const scansDue = (t: number) => opens.filter((set) => set.has(t)).length;
  const sim = await startKrakenSim({
    dataDir,
    pairs,
    startTime: from,
    logger: o.log.child({ component: 'sim' }),
    rateLimits: false,
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    ...o.sim,
  });
  mkdirSync(o.workDir, { recursive: true });
  const mode = o.mode ?? 'paper';
  const secrets = mode === 'live' ? { krakenApiKey: SIM_TEST_ACCOUNT.key, krakenApiSecret: SIM_TEST_ACCOUNT.secret } : {};
  const config = ConfigSchema.parse({ mode, pairs, secrets, ...o.settings });
  let scans = 0;
  const listeners = new Set<() => void>();
  const net = countingFetch();
  const daemon = startOrClose(sim, () =>
    startDaemon({
      fetch: net.fetch,
      ...(o.inspector ? { inspector: o.inspector } : {}),
      gates: o.gates ?? new Gates(o.repoRoot),
      config,
      log: o.log,
      clock: sim.clock,
      endpoints: { rest: sim.restUrl, wsPublic: sim.wsPublicUrl, wsPrivate: sim.wsPrivateUrl },
      dbPath: join(o.workDir, 'brain.db'),
      repoRoot: o.repoRoot,
      filesRoot: o.workDir,
      // Replay time jumps a candle per step: deadlines shorter than a step would only make the positions re-ask.
      positionTimeouts: { ackMs: 2 * STEP, settleMs: 2 * STEP, requeryMs: STEP },
      // The connections' delays run on the simulator's clock too, which jumps a candle per step while the frames
      // of that step wait in the socket: a line is stale only after two silent steps.
      feed: { ...o.feed, connection: { timeouts: { connectMs: STEP, subscribeMs: STEP, staleMs: 2 * STEP, deadMs: 2 * STEP }, ...o.feed?.connection } },
      warmupBars: Math.round(((o.warmupDays ?? 2) * DAY) / STEP),
      ...(o.orchestrator ? { orchestrator: true, ...(o.orchestrator.candles ? { evolutionCandles: o.orchestrator.candles } : {}) } : {}),
      onScanRecorded: () => {
        scans += 1;
        for (const l of listeners) l();
      },
    }),
  );
  if (o.onEvent) daemon.actor.on('*', o.onEvent);
  const bump = (fn: () => void) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  };
  await waitFor(daemon.actor, (s) => s.matches('running') || s.status === 'done', { timeout: 120_000 });
  if (!daemon.actor.getSnapshot().matches('running')) {
    await sim.close();
    const why = daemon.actor.getSnapshot().context.error;
    throw new BrainError(`the daemon did not boot: ${why ? describeError(why) : 'it stopped before running'}`, {
      domain: 'daemon',
      code: 'boot_failed',
      retryable: false,
    });
  }
  // Every pair's ticker snapshot has arrived: the public feed is subscribed, no candle will be missed.
  await waitFor(daemon.actor, (s) => Object.keys(s.context.marks).length === pairs.length, { timeout: 30_000 });
  // Live: the executions line is up too before time moves. Its connect deadline runs on the simulator's
  // clock, which a step jumps by a whole candle: a first connect still on the wire when the caller starts
  // stepping (a loaded machine) timed out, gave up after its attempts and alerted an outage that never was.
  if (mode === 'live') await waitFor(daemon.actor, (s) => s.context.feed?.lines.private?.up === true, { timeout: 30_000 });
  const step = async (ms = STEP): Promise<void> => {
    const target = scans + scansDue(sim.clock.now() + ms);
    await sim.advance(ms);
    await settle(() => scans, target, 2_000, bump);
    await net.quiet();
    o.onStep?.(sim.clock.now());
  };
  return {
    daemon,
    sim,
    config,
    from,
    to,
    step,
    quiet: () => net.quiet(),
    run: async () => {
      let steps = 0;
      while (sim.clock.now() + STEP <= to) {
        await step();
        steps += 1;
      }
      return steps;
    },
    close: async () => {
      if (daemon.actor.getSnapshot().status !== 'done') await daemon.stop('replay end');
      await sim.close();
    },
  };
}
