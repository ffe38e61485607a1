/**
 * The kernel: boots the daemon (store → venue reconciliation → restored children → running), owns
 * pause/resume, emergency stop and shutdown, and alone routes intents: scanner intent → risk gate with
 * the breaker level (inv. 3) → a position child for an accepted entry, `position.close` to the open one
 * for an exit; every verdict is journalled (signals). No entries while paused or the venue is unhealthy
 * (inv. 5); exits always pass. Children talk to it only by events; its I/O is the named actors below.
 */
import { assign, enqueueActions, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import { timeframeMs, type Pair } from '../src/contract/index.ts';
import { applyFill, cloneLedger, equityOf, observeEquity, type Ledger } from '../src/trading/portfolio.ts';
import { portfolioRow, positionIdFor, positionOfOrder, priceTriggers, routeIntent, type PositionSlot, type RouteSettings } from '../src/daemon/routing.ts';
import { BREAKER_ACTOR_ID, breakerMachine, type BreakerEmitted } from './breaker.machine.ts';
import { positionMachine, type PositionEmitted } from './position.machine.ts';
import { scannerMachine, type Verdict } from './scanner.machine.ts';
import { notProvided } from './shared.ts';
import type { BootState, Chore, JournalCommand, SupervisorContext, SupervisorEmitted, SupervisorEvent, SupervisorInput } from './supervisor-types.ts';

export type * from './supervisor-types.ts';
export const SUPERVISOR_MACHINE_VERSION = '1';

export const scannerId = (pair: Pair) => `scanner-${pair}`;

const FOLLOWED = { 'breaker.tripped': 'halted', 'breaker.reduced': 'reducing', 'breaker.resumed': 'active' } as const;

function routeSettings(c: SupervisorContext): RouteSettings {
  return { ...c.settings!, limits: c.limits };
}

/** The ledger marked to market at `now` (peak, UTC day roll), with a journal row for each day that closed. */
function markedLedger(l: Ledger, marks: SupervisorContext['marks'], now: number) {
  const ledger = cloneLedger(l);
  const days = ledger.days.length;
  observeEquity(ledger, now, equityOf(ledger, (p) => marks[p] ?? ledger.holdings[p]?.entryPrice ?? 0));
  const journal = { realizedPnl: ledger.realizedPnl, feesPaid: ledger.feesPaid, peakEquity: ledger.peakEquity };
  const closedDays = ledger.days.slice(days).map((day) => ({ type: 'journal.daily', day, ledger: journal }) satisfies JournalCommand);
  return { ledger, closedDays };
}

function errorText(event: EventObject): string {
  const e = (event as { error?: unknown }).error;
  return e instanceof Error ? e.message : String(e);
}

const supervisorSetup = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
    emitted: {} as SupervisorEmitted,
  },
  actors: {
    position: positionMachine,
    breaker: breakerMachine,
    scanner: scannerMachine,
    /** Opens the database (migrations) and takes the single-instance lock. */
    openStore: fromPromise<void, void>(notProvided('supervisor.openStore')),
    /** Pair rules and fees from the venue, the ledger from the fills, open orders checked by cl_ord_id, durable children loaded. */
    reconcile: fromPromise<BootState, void>(notProvided('supervisor.reconcile')),
    /** Market feed: market.price, market.candle (closed), venue.health. */
    feed: fromCallback<EventObject, void>(notProvided('supervisor.feed')),
    /** The venue's fills as they happen: venue.fill. */
    venueWatch: fromCallback<EventObject, void>(notProvided('supervisor.venueWatch')),
    /** Writes signals, fills and daily snapshots. */
    journal: fromCallback<JournalCommand, void>(notProvided('supervisor.journal')),
    cancelOrders: fromPromise<void, { clOrdIds: string[] }>(notProvided('supervisor.cancelOrders')),
    /** The timetable on the injected clock: schedule.* events. */
    scheduler: fromCallback<EventObject, void>(notProvided('supervisor.scheduler')),
    /** One housekeeping job; reports chore.done / chore.failed. */
    runChore: fromCallback<EventObject, { chore: Chore; now: number }>(notProvided('supervisor.runChore')),
    /** Follows the active strategy pointer; swaps the live host and reports strategy.activated / strategy.swapFailed. */
    strategyWatch: fromCallback<EventObject, void>(notProvided('supervisor.strategyWatch')),
    /** Closes the database and releases the lock (children have persisted themselves). */
    closeStore: fromPromise<void, void>(notProvided('supervisor.closeStore')),
  },
  guards: {
    noPositions: ({ context }) => context.slots.length === 0,
  },
  actions: {
    adoptBoot: assign(({ event }) => {
      const boot = (event as unknown as { output: BootState }).output;
      return { boot, settings: boot.settings, ledger: boot.ledger, now: boot.now, seenTrades: Object.fromEntries(boot.bookedTradeIds.map((id) => [id, true] as const)) };
    }),
    fail: assign({ error: ({ event }) => errorText(event) }),
    /** Re-spawns the durable children from their rows (spawnChild takes no snapshot: input.resume). */
    spawnChildren: enqueueActions(({ context: c, enqueue }) => {
      const b = c.boot!;
      enqueue.spawnChild('breaker', {
        id: BREAKER_ACTOR_ID, systemId: BREAKER_ACTOR_ID,
        input: { limits: c.limits, now: c.now, ...(b.breaker ? { resume: { ...b.breaker, now: c.now } } : {}) },
      });
      const slots: PositionSlot[] = [];
      for (const r of b.positions) {
        const ctx = r.context;
        enqueue.spawnChild('position', { id: ctx.positionId, input: { positionId: ctx.positionId, pair: ctx.pair, strategyVersion: ctx.strategyVersion, entry: { quantity: 0, stopLoss: null, takeProfit: null, reason: 'restored' }, now: c.now, resume: { ...r, now: c.now } } });
        const phase = typeof r.value === 'string' ? 'open' : (Object.keys(r.value)[0] as PositionSlot['phase']);
        const entryNotional = (ctx.order?.quantity ?? 0) * (ctx.holding?.entryPrice ?? 0);
        slots.push({ positionId: ctx.positionId, pair: ctx.pair, phase, entryNotional, stopLoss: ctx.stopLoss, takeProfit: ctx.takeProfit });
      }
      for (const pair of c.pairs) {
        enqueue.spawnChild('scanner', { id: scannerId(pair), input: { pair, timeframe: c.timeframe, strategyVersion: b.strategyVersion } });
      }
      enqueue.assign({ slots, boot: null, breaker: b.breaker?.value ?? 'active', streak: b.breaker?.context.consecutiveLosses ?? 0 });
    }),
    route: enqueueActions(({ context: c, event, enqueue }, p: { accepting: string | null }) => {
      if (event.type !== 'scanner.intent') return;
      const { intent } = event;
      if (intent.decision.action === 'hold') return;
      const accepting = p.accepting ?? (c.venueHealthy ? null : 'venue_unhealthy');
      const route = routeIntent(intent, { ledger: c.ledger, streak: c.streak, slots: c.slots, marks: c.marks, breaker: c.breaker, acceptingEntries: accepting as never, now: c.now }, routeSettings(c));
      const journal = (outcome: Verdict['outcome'], rejectReason: string | null, clOrdId: string | null) =>
        enqueue.sendTo(scannerId(intent.pair), { type: 'scanner.verdict', pair: intent.pair, candleTime: intent.candleTime, verdict: { outcome, rejectReason, clOrdId } });
      if (route.kind === 'reject') {
        journal('rejected', route.reason, null);
        enqueue.emit({ type: 'intent.rejected', intent, reason: route.reason, at: c.now });
        return;
      }
      if (route.kind === 'exit') {
        journal('acted', null, null);
        enqueue.sendTo(route.positionId, { type: 'position.close', reason: 'signal', time: c.now, quantity: route.quantity });
        enqueue.emit({ type: 'intent.accepted', intent, positionId: route.positionId, quantity: route.quantity, at: c.now });
        return;
      }
      const o = route.verdict.order;
      const positionId = positionIdFor(c.now, c.seq);
      enqueue.spawnChild('position', {
        id: positionId,
        input: { positionId, pair: intent.pair, strategyVersion: intent.strategyVersion, now: c.now, timeouts: c.positionTimeouts, entry: { quantity: o.quantity, stopLoss: o.stopLoss, takeProfit: o.takeProfit, reason: intent.decision.reason || 'signal' } },
      });
      enqueue.assign({ seq: c.seq + 1, slots: [...c.slots, { positionId, pair: intent.pair, phase: 'pendingEntry', entryNotional: o.notional, stopLoss: o.stopLoss, takeProfit: o.takeProfit }] });
      journal('acted', null, `${positionId}-1`);
      enqueue.emit({ type: 'intent.accepted', intent, positionId, quantity: o.quantity, at: c.now });
    }),
    markPrice: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'market.price') return;
      enqueue.assign({ marks: { ...c.marks, [event.pair]: event.price }, now: Math.max(c.now, event.time) });
      for (const s of c.slots) if (s.pair === event.pair && priceTriggers(s, event.price)) enqueue.sendTo(s.positionId, event);
    }),
    /** A closed candle: mark to market (peak, UTC day roll), tell the breaker, hand the candle to the scanners. */
    closeCandle: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'market.candle') return;
      const now = Math.max(c.now, event.candle.time + timeframeMs(c.timeframe));
      const marks = { ...c.marks, [event.pair]: event.candle.close };
      const { ledger, closedDays } = markedLedger(c.ledger, marks, now);
      enqueue.assign({ ledger, marks, now });
      for (const cmd of closedDays) {
        enqueue.emit({ type: 'portfolio.daily', day: cmd.day });
        enqueue.sendTo('journal', cmd);
      }
      const view = { equity: ledger.lastEquity, peakEquity: ledger.peakEquity, dayStartEquity: ledger.dayStartEquity, cash: ledger.cash, openPositions: ledger.openCount, pairExposure: 0, totalExposure: 0, heldQuantity: 0, consecutiveLosses: ledger.consecutiveLosses, lastLossAt: ledger.lastLossAt, now };
      enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'portfolio.updated', view });
      // One portfolio row per candle step (the first pair's candle marks the step), for drawdown and the truth benchmarks.
      if (event.pair === c.pairs[0]) enqueue.sendTo('journal', portfolioRow(ledger, marks, now) satisfies JournalCommand);
      enqueue.sendTo(scannerId(event.pair), { type: 'market.candle', pair: event.pair, timeframe: c.timeframe, candle: event.candle, closed: true });
    }),
    /**
     * The one place a fill is booked and written (the journal is the fills table's only writer): a fill heard
     * from the venue, or found by a position asking the venue, once by trade id. A heard fill goes on, with
     * its order's status, to its position; a found one came from there.
     */
    bookFill: enqueueActions(({ context: c, event, enqueue }) => {
      if ((event.type !== 'venue.fill' && event.type !== 'position.fillFound') || c.seenTrades[event.fill.tradeId]) return;
      const { fill } = event;
      const ledger = cloneLedger(c.ledger);
      applyFill(ledger, fill);
      enqueue.assign({ ledger, seenTrades: { ...c.seenTrades, [fill.tradeId]: true }, now: Math.max(c.now, fill.time) });
      enqueue.sendTo('journal', { type: 'journal.fill', fill } satisfies JournalCommand);
      enqueue.emit({ type: 'order.filled', fill });
      if (event.type !== 'venue.fill') return;
      const { order } = event;
      const id = positionOfOrder(fill.clOrdId);
      if (!c.slots.some((s) => s.positionId === id)) return;
      enqueue.sendTo(id, { type: 'order.fill', fill });
      enqueue.sendTo(id, { type: 'order.update', clOrdId: order.clOrdId, status: order.status, venueOrderId: order.venueOrderId, filledQuantity: order.filledQuantity, time: fill.time });
    }),
    followPosition: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type === 'position.opened' || event.type === 'position.exitIncomplete') {
        enqueue.assign({ slots: c.slots.map((s) => (s.positionId === event.positionId ? { ...s, phase: 'open' as const } : s)) });
      } else if (event.type === 'position.closed' || event.type === 'position.abandoned') {
        enqueue.assign({ slots: c.slots.filter((s) => s.positionId !== event.positionId) });
        if (event.type === 'position.closed') {
          enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'trade.closed', pnl: event.pnl, time: event.at });
          enqueue.assign({ streak: event.pnl < 0 ? c.streak + 1 : 0 });
        }
      }
      enqueue.emit(event as PositionEmitted);
    }),
    followBreaker: enqueueActions(({ event, enqueue }) => {
      const level = FOLLOWED[event.type as keyof typeof FOLLOWED];
      if (level) enqueue.assign({ breaker: level });
      if ('consecutiveLosses' in event) enqueue.assign({ streak: event.consecutiveLosses });
      enqueue.emit(event as BreakerEmitted);
    }),
    /** 00:00 UTC: the day closes on the clock even when no candle arrives (a quiet feed). */
    closeDay: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'schedule.dailySnapshot') return;
      const now = Math.max(c.now, event.time);
      const { ledger, closedDays } = markedLedger(c.ledger, c.marks, now);
      enqueue.assign({ ledger, now });
      for (const cmd of closedDays) {
        enqueue.emit({ type: 'portfolio.daily', day: cmd.day });
        enqueue.sendTo('journal', cmd);
      }
    }),
    startChore: enqueueActions(({ context: c, event, enqueue }) => {
      const chore = event.type === 'schedule.feeRefresh' ? 'feeRefresh' : event.type === 'schedule.candleMaintenance' ? 'candleMaintenance' : null;
      if (chore) enqueue.spawnChild('runChore', { id: `chore-${chore}-${c.seq}`, input: { chore, now: Math.max(c.now, (event as { time: number }).time) } });
      enqueue.assign({ seq: c.seq + 1 });
    }),
    adoptChore: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type === 'chore.done' && event.fees) enqueue.assign({ settings: { ...c.settings!, fees: { ...c.settings!.fees, ...event.fees } } });
      if (event.type === 'chore.failed') enqueue.emit({ type: 'supervisor.alert', message: `${event.chore} failed: ${event.message}`, at: c.now });
    }),
    announceOrchestratorSlot: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'schedule.orchestrator') enqueue.emit({ type: 'orchestrator.slot', due: event.due, at: event.time });
    }),
    /** The live host already runs the new version; each scanner switches at its next candle. Positions are not touched. */
    activateStrategy: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'strategy.activated') return;
      for (const pair of c.pairs) enqueue.sendTo(scannerId(pair), { type: 'strategy.activated', versionId: event.versionId });
      enqueue.emit({ type: 'strategy.activated', versionId: event.versionId, at: c.now });
    }),
    alertSwapFailed: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type === 'strategy.swapFailed') enqueue.emit({ type: 'supervisor.alert', message: `strategy ${event.versionId} not activated, the incumbent keeps trading: ${event.message}`, at: c.now });
    }),
    setHealth: assign({ venueHealthy: ({ event, context }) => (event.type === 'venue.health' ? event.healthy : context.venueHealthy) }),
    reportScanFailure: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'scanner.failed') enqueue.emit({ type: 'supervisor.alert', message: `scanner ${event.pair} ${event.stage}: ${event.message}`, at: context.now });
    }),
    dropFinished: assign({ slots: ({ context, event }) => context.slots.filter((s) => `xstate.done.actor.${s.positionId}` !== event.type) }),
    alertChildError: enqueueActions(({ context, event, enqueue }) => {
      enqueue.emit({ type: 'supervisor.alert', message: `${event.type}: ${errorText(event)}`, at: context.now });
    }),
    closeAll: enqueueActions(({ context: c, enqueue }) => {
      enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'breaker.halt', by: 'emergency', time: c.now });
      for (const s of c.slots) enqueue.sendTo(s.positionId, { type: 'position.close', reason: 'emergency', time: c.now });
    }),
    stopChildren: enqueueActions(({ context: c, enqueue }) => {
      for (const pair of c.pairs) enqueue.stopChild(scannerId(pair));
      for (const s of c.slots) enqueue.stopChild(s.positionId);
      enqueue.stopChild(BREAKER_ACTOR_ID);
    }),
  },
});

const journalled = { 'venue.fill': { actions: 'bookFill' }, 'position.fillFound': { actions: 'bookFill' } } as const;

export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  initial: 'booting',
  context: ({ input }) => ({
    pairs: input.pairs, limits: input.limits, timeframe: input.timeframe, positionTimeouts: input.positionTimeouts ?? {}, settings: null, now: 0,
    ledger: { initialCash: 0, cash: 0, holdings: {}, openCount: 0, realizedPnl: 0, feesPaid: 0, slippagePaid: 0, peakEquity: 0, lastEquity: 0, day: Number.NaN, dayStartEquity: 0, days: [], consecutiveLosses: 0, lastLossAt: Number.NaN },
    marks: {}, breaker: 'active', streak: 0, venueHealthy: true, slots: [], seq: 0, seenTrades: {}, boot: null, error: null,
  }),
  invoke: { id: 'journal', src: 'journal' },
  on: {
    ...journalled,
    'position.*': { actions: 'followPosition' },
    'breaker.*': { actions: 'followBreaker' },
    'xstate.done.actor.*': { actions: 'dropFinished' },
    'xstate.error.actor.*': { actions: 'alertChildError' },
    'market.price': { actions: 'markPrice' },
    'venue.health': { actions: 'setHealth' },
    'scanner.failed': { actions: 'reportScanFailure' },
    // Outside running (booting, emergency stop, halted) every entry is refused; exits still route.
    'scanner.intent': { actions: { type: 'route', params: { accepting: 'halted' } } },
  },
  states: {
    booting: {
      description: 'Store opened and locked, then the venue reconciled (orders by cl_ord_id, balances, fills), then the durable children restored.',
      initial: 'openingStore',
      states: {
        openingStore: {
          description: 'Opens the database (migrations) and takes the PID lock: a second daemon stops here.',
          invoke: { src: 'openStore', onDone: 'reconciling', onError: { target: '#supervisor.failed', actions: 'fail' } },
        },
        reconciling: {
          description: "Asks the venue about every order not final in our table and rebuilds the ledger from the fills: the venue's word wins.",
          invoke: { src: 'reconcile', onDone: { target: 'restoring', actions: 'adoptBoot' }, onError: { target: '#supervisor.failed', actions: 'fail' } },
        },
        restoring: {
          description: 'Re-spawns the breaker and every open position from their persisted rows, through their resuming states.',
          entry: 'spawnChildren',
          always: '#supervisor.running',
        },
      },
      on: { 'shutdown.requested': '#supervisor.shuttingDown' },
    },
    running: {
      description: 'Feed and scanners live; intents routed through the risk gate. Paused: exits still managed, no new entries.',
      // Fills are heard where orders are worked: running and emergencyStop (after boot has loaded the venue's tables).
      invoke: [{ id: 'feed', src: 'feed' }, { id: 'venueWatch', src: 'venueWatch' }, { id: 'scheduler', src: 'scheduler' }, { id: 'strategyWatch', src: 'strategyWatch' }],
      initial: 'trading',
      states: {
        trading: {
          description: 'Entries and exits both routed.',
          on: {
            'scanner.intent': { actions: { type: 'route', params: { accepting: null } } },
            'supervisor.pause': 'paused',
          },
        },
        paused: {
          description: 'New entries refused with reason "paused"; exits, SL/TP and fills still handled.',
          on: {
            'scanner.intent': { actions: { type: 'route', params: { accepting: 'paused' } } },
            'supervisor.resume': 'trading',
          },
        },
      },
      on: {
        'market.candle': { actions: 'closeCandle' },
        'schedule.dailySnapshot': { actions: 'closeDay' },
        'schedule.feeRefresh': { actions: 'startChore' },
        'schedule.candleMaintenance': { actions: 'startChore' },
        'schedule.orchestrator': { actions: 'announceOrchestratorSlot' },
        'chore.*': { actions: 'adoptChore' },
        'strategy.activated': { actions: 'activateStrategy' },
        'strategy.swapFailed': { actions: 'alertSwapFailed' },
        'supervisor.emergencyStop': 'emergencyStop',
        'shutdown.requested': 'shuttingDown',
      },
    },
    emergencyStop: {
      description: 'Halts the breaker, cancels working entry orders and market-closes every position; halted once every position has closed (fills verified by each position).',
      entry: 'closeAll',
      invoke: [
        { id: 'feed', src: 'feed' },
        { id: 'venueWatch', src: 'venueWatch' },
        {
          src: 'cancelOrders',
          input: ({ context }) => ({ clOrdIds: context.slots.filter((s) => s.phase === 'pendingEntry').map((s) => `${s.positionId}-1`) }),
          onError: { actions: 'alertChildError' },
        },
      ],
      always: { guard: 'noPositions', target: 'halted' },
      on: { 'shutdown.requested': 'shuttingDown' },
    },
    halted: {
      description: 'Flat and halted: no scanning, no orders, until an operator resumes.',
      on: { 'supervisor.resume': 'running', 'shutdown.requested': 'shuttingDown' },
    },
    shuttingDown: {
      description: 'Feed stopped (left running), scanners and children stopped after their last persist; in-flight orders stay recorded for the next boot to reconcile; store closed.',
      entry: 'stopChildren',
      invoke: { src: 'closeStore', onDone: 'stopped', onError: { target: 'stopped', actions: 'fail' } },
    },
    stopped: { type: 'final', description: 'Clean exit.' },
    failed: { type: 'final', description: 'Boot failed (store, lock or reconciliation): nothing was traded.' },
  },
});
