/**
 * Fixtures for supervisor tests: every I/O actor replaced by a fake that records what it was asked,
 * a fake venue that acks every order, callbacks that let a test play the feed, the scanners and the
 * venue's fills, a SimulatedClock, and the emitted log.
 */
import { afterEach } from 'vitest';
import { createActor, fromCallback, fromPromise, setup, SimulatedClock, waitFor, type Actor, type EventObject } from 'xstate';
import type { evolutionActors } from '../../actors/evolution.actors.ts';
import type { supervisorActors } from '../../actors/supervisor.actors.ts';
import type { BackfillEvent, BackfillRequest, FeedSettings } from '../../machines/supervisor-feed.ts';
import { breakerMachine } from '../../machines/breaker.machine.ts';
import type { orchestratorCycleMachine } from '../../machines/orchestrator-cycle.machine.ts';
import { scannerMachine } from '../../machines/scanner.machine.ts';
import { paperTestMachine, type JudgeInput, type PaperTestVerdict, type ShadowInput } from '../../machines/paper-test.machine.ts';
import type { EvolutionSettings } from '../../machines/supervisor-evolution.ts';
import { positionMachine, type OrderSpec, type QueryOutput } from '../../machines/position.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';
import type { Evaluation, RecordRequest, ScanRequest } from '../../machines/scanner.machine.ts';
import {
  supervisorMachine,
  type BootState,
  type Chore,
  type JournalCommand,
  type SupervisorEmitted,
  type SupervisorEvent,
  type VenueWatchCommand,
} from '../../machines/supervisor.machine.ts';
import type { Fill, IntentAction, Pair, Side } from '../../src/contract/index.ts';
import { RiskLimitsSchema, type RiskLimits } from '../../src/contract/risk.ts';
import { createLedger } from '../../src/trading/portfolio.ts';
import type { OrderAck, VenueOrder } from '../../src/trading/venue.ts';

export const T0 = Date.UTC(2025, 0, 6, 12);
export const PAIRS: Pair[] = ['BTC/USD', 'ETH/USD'];

export function bootState(over: Partial<BootState> = {}): BootState {
  const rules = Object.fromEntries(PAIRS.map((pair) => [pair, { pair, tickSize: 0.01, priceDecimals: 2, lotDecimals: 8, orderMin: 0.0001, costMin: 0.5 }]));
  return {
    now: T0,
    settings: { rules, fees: {}, fallbackFees: { maker: 0.0025, taker: 0.004 }, slippage: 0.0005 },
    ledger: createLedger(10_000),
    bookedTradeIds: [],
    positions: [],
    breaker: null,
    strategyVersion: 'v001',
    idPrefix: 'abc123',
    ...over,
  };
}

/** The fake strategy: what it decides on the next candle of a pair (hold otherwise). */
function evaluation(req: ScanRequest, action: IntentAction): Evaluation {
  const intent =
    action === 'hold'
      ? null
      : {
          pair: req.pair,
          candleTime: req.candle.time,
          refPrice: req.candle.close,
          strategyVersion: req.strategyVersion,
          decision: { action, sizeFraction: 0.1, reason: 'test' },
        };
  return { action, intent, regime: null, indicators: {}, durationMs: 0, invalid: null };
}

const started: Actor<typeof supervisorMachine>[] = [];
afterEach(() => {
  for (const a of started.splice(0)) a.stop();
});

export interface Options {
  boot?: BootState | Error;
  limits?: Partial<RiskLimits>;
  /** A nightly cycle child (its actors faked by the test); without it the daemon runs no orchestrator. */
  cycle?: typeof orchestratorCycleMachine;
  evolution?: EvolutionSettings;
  /** What a paper test's judge finds (default: a pass). */
  paperVerdict?: PaperTestVerdict;
  /** The strategy switch fails with this message (the new child crashed while warming). */
  switchFails?: string;
  /** The real switch actor (actors/evolution.actors.ts) over a test's version store, instead of the fake. */
  switchStrategy?: ReturnType<typeof evolutionActors>['switchStrategy'];
  /** Connection children (fakes that record what they are sent) and candle back-fills the test answers. */
  feed?: FeedSettings;
  /** The real chore actor (actors/supervisor.actors.ts) over a test's chore, instead of the fake that always succeeds. */
  runChore?: ReturnType<typeof supervisorActors>['runChore'];
  /** The fake strategy's decision per scanned candle (by pair and candle time), before `signal`'s one-shot decisions. */
  strategy?: (req: ScanRequest) => IntentAction | undefined;
}

export const PASSING_VERDICT: PaperTestVerdict = {
  passed: true,
  failedCheck: null,
  reason: 'shadow 1.00 % over 6 trades',
  shadow: { trades: 6, totalReturn: 0.01 },
  incumbent: { trades: 5, totalReturn: 0 },
  replay: { trades: 6, totalReturn: 0.01 },
  drift: [],
};

export function startSupervisor(opts: Options = {}) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const calls: string[] = [];
  /** What the supervisor asked of the venue watch (a balance check). */
  const commands: VenueWatchCommand[] = [];
  const journal: JournalCommand[] = [];
  const scans: ScanRequest[] = [];
  const records: RecordRequest[] = [];
  const decisions = new Map<Pair, IntentAction>();
  const sent = new Map<string, OrderSpec>();
  /** What the venue answers when a position asks for an order by cl_ord_id (nothing unless a test says so). */
  const atVenue = new Map<string, VenueOrder>();
  const waiters: Array<() => void> = [];
  const port: {
    feed?: (e: SupervisorEvent) => void;
    venue?: (e: SupervisorEvent) => void;
    schedule?: (e: SupervisorEvent) => void;
    watch?: (e: SupervisorEvent) => void;
  } = {};
  const watched: EventObject[] = [];
  /** What the connection children were sent (`connection.public connection.start`). */
  const lines: string[] = [];
  /** Back-fills asked for, each with the callback that answers it. */
  const backfills: Array<{ input: BackfillRequest; answer: (e: BackfillEvent) => void }> = [];
  const fakeConnection = setup({}).createMachine({
    id: 'fakeConnection',
    on: { '*': { actions: ({ event, self }) => void lines.push(`${self.id} ${event.type}`) } },
  });
  const position = positionMachine.provide({
    actors: {
      recordIntent: fromPromise<{ at: number }, OrderSpec>(async ({ input }) => {
        calls.push(`recordIntent ${input.clOrdId} ${input.side}`);
        return { at: clock.now() };
      }),
      submitOrder: fromPromise<{ at: number; ack: OrderAck }, OrderSpec>(async ({ input }) => {
        calls.push(`submitOrder ${input.clOrdId} ${input.side}`);
        sent.set(input.clOrdId, input);
        for (const w of waiters.splice(0)) w();
        return {
          at: clock.now(),
          ack: { clOrdId: input.clOrdId, venueOrderId: `V-${input.clOrdId}`, status: 'open', reason: null, filledQuantity: 0, fills: [] },
        };
      }),
      queryOrder: fromPromise<QueryOutput, { clOrdId: string }>(async ({ input }) => ({ at: clock.now(), order: atVenue.get(input.clOrdId) ?? null })),
      persistState: fromCallback<EventObject, StoreInput>(() => undefined),
    },
  });
  const machine = supervisorMachine.provide({
    actors: {
      position,
      scanner: scannerMachine.provide({
        actors: {
          warmUp: fromPromise(async () => ({ lastTime: -1 })),
          evaluate: fromPromise<Evaluation, ScanRequest>(async ({ input }) => {
            scans.push(input);
            queueMicrotask(() => {
              for (const w of waiters.splice(0)) w();
            });
            const action = opts.strategy?.(input) ?? decisions.get(input.pair) ?? 'hold';
            decisions.delete(input.pair);
            return evaluation(input, action);
          }),
          record: fromPromise<void, RecordRequest>(async ({ input }) => {
            records.push(input);
            for (const w of waiters.splice(0)) w();
          }),
        },
      }),
      breaker: breakerMachine.provide({ actors: { persistState: fromCallback<EventObject, StoreInput>(() => undefined) } }),
      ...(opts.cycle ? { orchestratorCycle: opts.cycle } : {}),
      connection: fakeConnection as never,
      backfillCandles: fromCallback<EventObject, BackfillRequest>(({ input, sendBack }) => void backfills.push({ input, answer: sendBack })),
      openStore: fromPromise<void, void>(async () => void calls.push('openStore')),
      reconcile: fromPromise<BootState, void>(async () => {
        calls.push('reconcile');
        if (opts.boot instanceof Error) throw opts.boot;
        return opts.boot ?? bootState();
      }),
      venueWatch: fromCallback<VenueWatchCommand, void>(({ sendBack, receive }) => {
        port.venue = sendBack as (e: SupervisorEvent) => void;
        receive((cmd) => commands.push(cmd));
      }),
      journal: fromCallback<JournalCommand, void>(({ receive }) => receive((c) => journal.push(c))),
      cancelOrders: fromPromise<void, { clOrdIds: string[] }>(async ({ input }) => void calls.push(`cancelOrders ${input.clOrdIds.join(',')}`)),
      closeStore: fromPromise<void, void>(async () => void calls.push('closeStore')),
      scheduler: fromCallback<EventObject, void>(({ sendBack }) => {
        port.schedule = sendBack as (e: SupervisorEvent) => void;
      }),
      runChore:
        opts.runChore ??
        fromCallback<EventObject, { chore: Chore; now: number }>(({ input, sendBack }) => {
          calls.push(`chore ${input.chore}`);
          sendBack({
            type: 'chore.done',
            chore: input.chore,
            ...(input.chore === 'feeRefresh' ? { fees: { 'BTC/USD': { maker: 0.001, taker: 0.002 } } } : {}),
          });
        }),
      switchStrategy:
        opts.switchStrategy ??
        fromCallback<EventObject, { kind: 'deploy' | 'rollback'; versionId: string | null; by: string; reason: string; trigger: unknown }>(
          ({ input, sendBack }) => {
            calls.push(`switch ${input.kind} ${input.versionId ?? 'previous'} by ${input.by}`);
            if (opts.switchFails)
              return void sendBack({
                type: 'strategy.swapFailed',
                versionId: input.versionId ?? 'previous',
                error: { code: 'versions.unknown_version', message: opts.switchFails, retryable: false },
              } as SupervisorEvent);
            sendBack({
              type: 'strategy.activated',
              versionId: input.versionId ?? 'parent',
              kind: input.kind,
              from: 'v001',
              by: input.by,
              reason: input.reason,
              trigger: input.trigger ?? null,
            } as SupervisorEvent);
          },
        ),
      rollbackWatch: fromCallback<EventObject, void>(({ sendBack, receive }) => {
        port.watch = sendBack as (e: SupervisorEvent) => void;
        receive((e) => watched.push(e));
      }),
      paperTest: paperTestMachine.provide({
        actors: {
          shadow: fromCallback<EventObject, ShadowInput>(({ input, receive }) => receive((e) => calls.push(`shadow ${input.id} ${e.type}`))),
          judge: fromPromise<PaperTestVerdict, JudgeInput>(async () => opts.paperVerdict ?? PASSING_VERDICT),
          persistState: fromCallback<EventObject, StoreInput>(() => undefined),
        },
      }),
    },
  });
  const limits = RiskLimitsSchema.parse(opts.limits ?? {});
  const orchestrator = opts.cycle ? { orchestrator: { maxRepairs: 1, retryDelaySeconds: 60 } } : {};
  const feed = opts.feed ? { feed: opts.feed } : {};
  const actor = createActor(machine, {
    input: {
      pairs: PAIRS,
      limits,
      timeframe: '5m',
      positionTimeouts: { ackMs: 10_000, settleMs: 20_000 },
      ...orchestrator,
      ...feed,
      ...(opts.evolution ? { evolution: opts.evolution } : {}),
    },
    clock,
  });
  const emitted: SupervisorEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  started.push(actor);
  // No connection children in these tests (no `feed` input): the test plays the market line by hand.
  port.feed = (e) => actor.send(e);

  let trade = 0;
  /** The venue fills the whole order `clOrdId` at `price`. */
  const fill = (clOrdId: string, price: number) => {
    const spec = sent.get(clOrdId);
    if (!spec) throw new Error(`no order ${clOrdId} was sent`);
    trade += 1;
    const f: Fill = {
      tradeId: `T${trade}`,
      clOrdId,
      pair: spec.pair,
      side: spec.side as Side,
      price,
      quantity: spec.quantity,
      fee: price * spec.quantity * 0.004,
      liquidity: 'taker',
      time: clock.now(),
    };
    const order: VenueOrder = { clOrdId, venueOrderId: `V-${clOrdId}`, status: 'filled', filledQuantity: spec.quantity, fills: [f] };
    port.venue!({ type: 'venue.fill', fill: f, order });
    return f;
  };
  const running = () => waitFor(actor, (s) => s.matches('running'));
  const children = () => Object.keys(actor.getSnapshot().children);
  /** Resolves once an order of `side` has reached the venue (sends happen inside position children). */
  const sentOrder = async (side: Side): Promise<OrderSpec[]> => {
    const ofSide = () => [...sent.values()].filter((o) => o.side === side);
    while (ofSide().length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
    return ofSide();
  };
  /** Waits (without a clock) until the fakes have seen what `done` asks for. */
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  let candleTime = T0;
  /** The strategy says `action` on the pair's next closed candle (close = price); resolves with what the scanner recorded. */
  const signal = async (pair: Pair, action: IntentAction, price: number): Promise<RecordRequest> => {
    decisions.set(pair, action);
    candleTime += 300_000;
    const time = candleTime;
    port.feed!({ type: 'market.candle', pair, candle: { time, open: price, high: price, low: price, close: price, volume: 1 } });
    const mine = () => records.find((r) => r.scan.pair === pair && r.scan.candle.time === time);
    while (!mine()) await new Promise<void>((resolve) => waiters.push(resolve));
    return mine()!;
  };
  /** Buy signal on `pair`, entry filled at `price`, position open. */
  const openPosition = async (pair: Pair, price: number): Promise<OrderSpec> => {
    await signal(pair, 'buy', price);
    const buy = (await sentOrder('buy')).find((o) => o.pair === pair)!;
    fill(buy.clOrdId, price);
    await waitFor(actor, (x) => x.context.slots.some((p) => p.pair === pair && p.phase === 'open'));
    return buy;
  };
  /** Close signal on `pair`, exit filled at `price`. */
  const closePosition = async (pair: Pair, price: number): Promise<OrderSpec> => {
    await signal(pair, 'close', price);
    const sell = (await sentOrder('sell')).find((o) => o.pair === pair)!;
    fill(sell.clOrdId, price);
    return sell;
  };
  return {
    actor,
    clock,
    calls,
    commands,
    journal,
    scans,
    records,
    emitted,
    port,
    watched,
    fill,
    running,
    children,
    sentOrder,
    sent,
    atVenue,
    signal,
    until,
    openPosition,
    closePosition,
    lines,
    backfills,
  };
}
