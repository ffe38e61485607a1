/**
 * Crash harness: the supervisor with its REAL position and breaker actors, the real boot reconciliation
 * (actors/supervisor/reconcile.ts) and journal, on one SQLite file, against a paper venue that plays the
 * exchange and survives the crash. A hook inside the venue drops the whole actor system at a chosen
 * moment (as a killed process would: no shutdown, no last write); a new system then boots on the same
 * database and venue. Only the strategy is a fake: it says what each test tells it to.
 */
import { fromPromise, createActor, type SimulatedClock, waitFor, type Actor } from 'xstate';
import { breakerActors } from '../../actors/breaker.actors.ts';
import { positionActors } from '../../actors/position.actors.ts';
import { fromCallback } from 'xstate';
import { supervisorActors } from '../../actors/supervisor.actors.ts';
import { breakerMachine } from '../../machines/breaker.machine.ts';
import { positionMachine } from '../../machines/position.machine.ts';
import { scannerMachine, type Evaluation, type RecordRequest, type ScanRequest } from '../../machines/scanner.machine.ts';
import { supervisorMachine, type SupervisorEvent } from '../../machines/supervisor.machine.ts';
import type { IntentAction, Pair } from '../../src/contract/index.ts';
import { RiskLimitsSchema } from '../../src/contract/risk.ts';
import { createRepositories, openDatabase, type Db, type Repositories } from '../../src/db/index.ts';
import { newIdPrefix } from '../../src/daemon/ids.ts';
import { journalWriter } from '../../actors/supervisor/journal.ts';
import { bookedTradeIds, durableRecords, ledgerFromFills, reconcileOrders } from '../../actors/supervisor/reconcile.ts';
import { createLogger } from '../../src/log/index.ts';
import { defaultPairRules } from '../../src/trading/pair-rules.ts';
import type { OrderAck, OrderRequest, Venue, VenueOrder } from '../../src/trading/venue.ts';
import { PaperVenue } from '../../src/venues/paper.ts';

export const T0 = Date.UTC(2024, 8, 2, 12);
export const PAIRS: Pair[] = ['BTC/USD', 'ETH/USD'];
const FEES = { maker: 0.0025, taker: 0.004 };
const log = createLogger({ level: 'silent' });

export type CrashPoint = 'beforeSend' | 'afterSend' | 'afterFill';

/** The exchange: a paper venue that counts sends per cl_ord_id and can crash the system around them. */
export class Exchange implements Venue {
  readonly paper: PaperVenue;
  readonly sends = new Map<string, number>();
  crash: { at: CrashPoint; side: 'buy' | 'sell'; run: () => void } | null = null;

  constructor(readonly clock: SimulatedClock) {
    this.paper = new PaperVenue({ clock: clock as never, rules: defaultPairRules, fees: () => FEES, slippage: 0.0005, startingCash: 10_000 });
  }

  private trip(at: CrashPoint, side: 'buy' | 'sell'): boolean {
    if (this.crash?.at !== at || this.crash.side !== side) return false;
    const run = this.crash.run;
    this.crash = null;
    run();
    return true;
  }

  async submitOrder(req: OrderRequest): Promise<OrderAck> {
    if (this.trip('beforeSend', req.side)) throw new Error('process killed before the send');
    this.sends.set(req.clOrdId, (this.sends.get(req.clOrdId) ?? 0) + 1);
    const ack = await this.paper.submitOrder(req);
    if (this.trip('afterSend', req.side)) throw new Error('process killed before the ack was read');
    return ack;
  }

  queryOrder(clOrdId: string): Promise<VenueOrder | null> {
    return this.paper.queryOrder(clOrdId);
  }

  cancelOrder(clOrdId: string): Promise<VenueOrder | null> {
    return this.paper.cancelOrder(clOrdId);
  }

  /** A trade at `price`: fills what waits on the pair (a crash at 'afterFill' drops the system before it hears). */
  price(pair: Pair, price: number): void {
    this.paper.onPrice(pair, price);
  }
}

export interface System {
  actor: Actor<typeof supervisorMachine>;
  repos: Repositories;
  /** The strategy says `action` on the pair's next closed candle (close = price); resolves once the scan is recorded. */
  signal(pair: Pair, action: IntentAction, price: number): Promise<void>;
  feed(e: SupervisorEvent): void;
  /** Drops the actor system as a crash would: no shutdown, no last write. */
  kill(): void;
}

let candleTime = T0;

export async function bootSystem(db: Db, ex: Exchange, limits: Partial<ReturnType<typeof RiskLimitsSchema.parse>> = {}): Promise<System> {
  const repos = createRepositories(db);
  const clock = ex.clock;
  const decisions = new Map<Pair, IntentAction>();
  const recorded: RecordRequest[] = [];
  const waiters: Array<() => void> = [];
  const port: { feed?: (e: SupervisorEvent) => void } = {};
  let alive = true;
  const rules = Object.fromEntries(PAIRS.map((p) => [p, defaultPairRules(p)]));
  const machine = supervisorMachine.provide({
    actors: {
      ...supervisorActors({
        openStore: async () => undefined,
        jobs: [],
        clock: clock as never,
        chore: async () => ({}),
        reconcile: async () => {
          await reconcileOrders(repos, ex, clock.now(), log);
          return {
            now: clock.now(),
            settings: { rules, fees: {}, fallbackFees: FEES, slippage: 0.0005 },
            ledger: ledgerFromFills(repos, 10_000),
            bookedTradeIds: bookedTradeIds(repos),
            ...durableRecords(repos, log),
            strategyVersion: 'v001',
            idPrefix: newIdPrefix(repos),
          };
        },
        // A dead process hears nothing: the exchange's fill push stops with it.
        fills: (send) => ex.paper.onFill((fill, order) => alive && send({ type: 'venue.fill', fill, order })),
        journal: journalWriter(repos),
        cancelOrder: (id) => ex.cancelOrder(id),
        backfill: async () => [],
        closeStore: async () => undefined,
        log,
      }),
      // No evolution in these crash scenarios: the rollback watch listens and does nothing.
      rollbackWatch: fromCallback(() => undefined),
      position: positionMachine.provide({
        actors: positionActors({ venue: ex, orders: repos.orders, positions: repos.positions, snapshots: repos.machineSnapshots, clock: clock as never, log }),
      }),
      breaker: breakerMachine.provide({ actors: breakerActors({ risk: repos.risk, snapshots: repos.machineSnapshots, clock: clock as never, log }) }),
      scanner: scannerMachine.provide({
        actors: {
          warmUp: fromPromise(async () => ({ lastTime: -1 })),
          evaluate: fromPromise<Evaluation, ScanRequest>(async ({ input }) => {
            const action = decisions.get(input.pair) ?? 'hold';
            decisions.delete(input.pair);
            const intent =
              action === 'hold'
                ? null
                : {
                    pair: input.pair,
                    candleTime: input.candle.time,
                    refPrice: input.candle.close,
                    strategyVersion: 'v001',
                    decision: { action, sizeFraction: 0.1, reason: 'test' },
                  };
            return { action, intent, regime: null, indicators: {}, durationMs: 0, invalid: null };
          }),
          record: fromPromise<void, RecordRequest>(async ({ input }) => {
            recorded.push(input);
            for (const w of waiters.splice(0)) w();
          }),
        },
      }),
    },
  });
  const actor = createActor(machine, {
    input: { pairs: PAIRS, limits: RiskLimitsSchema.parse(limits), timeframe: '5m', positionTimeouts: { ackMs: 10_000, settleMs: 20_000, requeryMs: 5_000 } },
    clock,
  });
  actor.start();
  // No connection children here: the test plays the market into the supervisor by hand.
  port.feed = (e) => actor.send(e);
  await waitFor(actor, (s) => s.matches('running'));
  return {
    actor,
    repos,
    feed: (e) => port.feed!(e),
    signal: async (pair, action, price) => {
      decisions.set(pair, action);
      candleTime += 300_000;
      const time = candleTime;
      clock.set(time + 300_000);
      port.feed!({ type: 'market.candle', pair, candle: { time, open: price, high: price, low: price, close: price, volume: 1 } });
      // A killed system records nothing more: stop waiting then.
      const mine = () => !alive || recorded.some((r) => r.scan.pair === pair && r.scan.candle.time === time);
      while (!mine()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    kill: () => {
      alive = false;
      actor.stop();
      for (const w of waiters.splice(0)) w();
    },
  };
}

export function openDb(path: string): Db {
  return openDatabase({ path });
}

/** Lets every pending promise and timer-free continuation run (the actors' awaits). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
