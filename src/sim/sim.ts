/**
 * startKrakenSim: a loopback Kraken (REST v0 + WebSocket v2 on 127.0.0.1) replaying real candles on a
 * simulated clock, with a matching engine and fault injection. See docs in src/sim/index.ts.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { Pair } from '../contract/pairs.ts';
import { SIM_TEST_ACCOUNT, type SimAccount, type SimTrade } from './accounts.ts';
import { NonceAuthenticator } from './auth.ts';
import { bookShape } from './book.ts';
import { loadCandleDir } from './candles-csv.ts';
import { bookOf, type SimContext } from './context.ts';
import { MatchingEngine } from './engine.ts';
import { FaultInjector } from './faults.ts';
import { PairMarket } from './market.ts';
import type { SimOrder } from './orders.ts';
import { SIM_PAIRS } from './pairs.ts';
import { RateLimits } from './ratelimit.ts';
import { Replay } from './replay.ts';
import { handleRest } from './rest/server.ts';
import { SimClock } from './sim-clock.ts';
import { TokenStore } from './tokens.ts';
import { attachWebSockets } from './ws/server.ts';
import { BrainError } from '../contract/errors.ts';

export const DEFAULT_SIM_DATA_DIR = fileURLToPath(new URL('../../data/sample', import.meta.url));

export interface SimOptions {
  /** CSV folder (`BTC-USD_5m.csv`: time,open,high,low,close,volume; unix seconds). Default data/sample. */
  dataDir?: string;
  /** Default: every pair with a CSV in dataDir. */
  pairs?: Pair[];
  /** Seeds candle paths, books and ids (default 1). */
  seed?: number;
  /** ms; replay cursor start (default: the first candle of any pair). */
  startTime?: number;
  /** >0: advance on a real timer at speed× real time; undefined/0: manual advance() only. */
  speed?: number;
  /** 0 (default) = a free port; the host is always 127.0.0.1. */
  port?: number;
  /** Default: [SIM_TEST_ACCOUNT]. */
  accounts?: SimAccount[];
  logger?: Logger;
  /** Kraken's REST and engine rate counters (default true; they decay on the simulated clock). */
  rateLimits?: boolean;
  /** Share of each replayed trade's volume that resting orders may fill (default 1). */
  participation?: number;
  /**
   * Closed candles an ohlc subscription's snapshot carries before the forming one (default 120). Kraken's
   * v2 docs do not say how many; 0 is v1's behaviour (the forming candle only), under which a reconnect
   * leaves the missed candles to REST.
   */
  ohlcSnapshotCandles?: number;
}

export interface SimEngineView {
  orders(key?: string): SimOrder[];
  trades(key?: string): SimTrade[];
  /** Spot balance and hold per REST asset id (suffixed wallets are not spot and are left out). */
  balances(key?: string): Record<string, { balance: number; hold: number }>;
  /** When the account's dead-man switch (CancelAllOrdersAfter) fires, ms on the simulated clock; null when disarmed. */
  deadmanAt(key?: string): number | null;
  /** Moves a spot balance outside any order, as a deposit or withdrawal would (Kraken asset id, e.g. XXBT); returns the new balance. */
  adjustBalance(asset: string, amount: number, key?: string): number;
}

export interface KrakenSim {
  readonly restUrl: string;
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  readonly clock: SimClock;
  readonly pairs: readonly Pair[];
  advance(ms: number): Promise<void>;
  readonly faults: FaultInjector;
  readonly engine: SimEngineView;
  close(): Promise<void>;
}

function buildContext(opts: SimOptions, log: Logger): { ctx: SimContext; replay: Replay } {
  const seed = opts.seed ?? 1;
  const series = loadCandleDir(opts.dataDir ?? DEFAULT_SIM_DATA_DIR, opts.pairs);
  const startTime = opts.startTime ?? Math.min(...series.map((s) => s.time[0] ?? Infinity));
  const clock = new SimClock(startTime);
  const markets = new Map<string, PairMarket>();
  for (const s of series) {
    const pairIndex = SIM_PAIRS.findIndex((p) => p.symbol === s.pair);
    const info = SIM_PAIRS[pairIndex]!;
    markets.set(info.key, new PairMarket(info, s, { seed, pairIndex, tickSize: info.tickSize, lotDecimals: info.lotDecimals }, startTime));
  }
  const shapes = new Map([...markets].map(([k, m]) => [k, bookShape(m)]));
  const faults = new FaultInjector();
  const limits = new RateLimits(opts.rateLimits ?? true);
  const accounts = opts.accounts ?? [SIM_TEST_ACCOUNT];
  const auth = new NonceAuthenticator();
  for (const a of accounts) auth.addKey(a.key, a.secret);
  const partial = {
    clock,
    seed,
    markets,
    shapes,
    faults,
    auth,
    limits,
    tokens: new TokenStore(),
    log,
    ohlcSnapshotCandles: opts.ohlcSnapshotCandles ?? 120,
  } as Omit<SimContext, 'engine'>;
  const engine = new MatchingEngine(
    {
      clock,
      seed,
      limits,
      participation: opts.participation ?? 1,
      book: (key) => bookOf(partial, key, 100),
      lastPrice: (key) => markets.get(key)?.last.price,
      status: () => faults.systemStatus(),
      marketLiquidity: () => faults.takeLiquidityShare(),
    },
    accounts,
  );
  const ctx: SimContext = { ...partial, engine };
  const replay = new Replay(clock, [...markets.values()]);
  replay.onTrade((m, t) => engine.onTrade(m.info.key, t));
  engine.onEvent((e) => {
    if (e.type !== 'execution' || e.execType === 'pending_new') return;
    const level = e.execType === 'trade' ? 'debug' : 'info';
    log[level](
      {
        orderId: e.order.txid,
        clOrdId: e.order.req.clOrdId,
        pair: e.order.req.pair.symbol,
        side: e.order.req.side,
        type: e.order.req.kind,
        execType: e.execType,
        reason: e.order.reason ?? undefined,
      },
      'order event',
    );
  });
  return { ctx, replay };
}

function engineView(ctx: SimContext, defaultKey: string): SimEngineView {
  return {
    orders: (key = defaultKey) => ctx.engine.ordersOf(key),
    trades: (key = defaultKey) => [...ctx.engine.tradesOf(key)],
    balances: (key = defaultKey) => {
      const acc = ctx.engine.account(key);
      const out: Record<string, { balance: number; hold: number }> = {};
      for (const [asset, balance] of acc?.balances ?? []) out[asset] = { balance, hold: acc!.hold(asset) };
      return out;
    },
    deadmanAt: (key = defaultKey) => ctx.engine.deadmanAt(key),
    adjustBalance: (asset, amount, key = defaultKey) => {
      const acc = ctx.engine.account(key);
      if (!acc)
        throw new BrainError(`sim: no account with key ${key}; create it with the accounts option first`, {
          domain: 'sim',
          code: 'unknown_account',
          retryable: false,
        });
      return acc.credit(asset, amount);
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export async function startKrakenSim(opts: SimOptions = {}): Promise<KrakenSim> {
  const log = opts.logger ?? pino({ level: 'silent' });
  const { ctx, replay } = buildContext(opts, log);
  replay.advance(0);
  const server = createServer((req, res) => {
    handleRest(ctx, req, res).catch((err: unknown) => {
      log.error({ err }, 'rest handler failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const ws = attachWebSockets(ctx, server, replay);
  const port = await listen(server, opts.port ?? 0);
  let timer: ReturnType<typeof setInterval> | undefined;
  if (opts.speed && opts.speed > 0) {
    const tickMs = 100;
    timer = setInterval(() => replay.advance(tickMs * opts.speed!), tickMs);
  }
  const markets = [...ctx.markets.values()];
  log.info({ port, pairs: markets.map((m) => m.info.symbol), start: new Date(ctx.clock.now()).toISOString(), speed: opts.speed ?? 0 }, 'kraken sim listening');
  return {
    restUrl: `http://127.0.0.1:${port}`,
    wsPublicUrl: `ws://127.0.0.1:${port}/v2`,
    wsPrivateUrl: `ws://127.0.0.1:${port}/v2-auth`,
    clock: ctx.clock,
    pairs: markets.map((m) => m.info.symbol),
    faults: ctx.faults,
    engine: engineView(ctx, (opts.accounts ?? [SIM_TEST_ACCOUNT])[0]!.key),
    advance: async (ms) => {
      replay.advance(ms);
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    close: async () => {
      if (timer) clearInterval(timer);
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
