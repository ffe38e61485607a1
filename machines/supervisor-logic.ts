/**
 * Pure functions behind the supervisor's running guards, assigns and announcements: new position
 * children, marking the ledger to market, booking a fill once, following the children's reports (the
 * start, boot hand-over and restored children, is supervisor-boot.ts). No xstate runtime, no clock, no I/O: each takes the context (or a piece of it) and returns a
 * value or a context patch. The routing decision itself is src/trading/routing.ts.
 */
import type { EventObject } from 'xstate';
import type { Fill, Intent, Pair } from '../src/contract/index.ts';
import { positionIdFor, positionOfOrder, routeIntent, type PositionSlot, type RouteRefusal, type RouteSettings } from '../src/trading/routing.ts';
import type { BreakerLevel, RiskView } from '../src/trading/breaker.ts';
import { applyFill, cloneLedger, equityOf, observeEquity, type Ledger } from '../src/trading/portfolio.ts';
import type { VenueOrder } from '../src/trading/venue.ts';
import type { PositionEmitted, PositionEvent, PositionInput } from './position.machine.ts';
import type { Verdict } from './scanner.machine.ts';
import { auditAlert } from './supervisor-audit.ts';
import { canaryIntent } from './supervisor-evolution.ts';
import { newestClosed } from './supervisor-feed.ts';
import type { Chore, JournalCommand, SupervisorContext, SupervisorEmitted, SupervisorEvent } from './supervisor-types.ts';
import { toErrorInfo, type ErrorInfo } from '../src/contract/errors.ts';
import { failureAlert, type AlertBody } from './failure-alert.ts';

export const scannerId = (pair: Pair) => `scanner-${pair}`;

/** The failure an error event (`xstate.error.actor.*`, an invoke's onError) carries, as an ErrorInfo. */
export function errorOf(event: EventObject): ErrorInfo {
  return toErrorInfo((event as { error?: unknown }).error);
}

/** What one routed intent does: a verdict for its scanner's signal row, an announcement, and a child to spawn or to close. */
export interface RoutePlan {
  verdict: Verdict;
  announced: Extract<SupervisorEmitted, { type: 'intent.accepted' | 'intent.rejected' }>;
  spawn?: { input: PositionInput; slot: PositionSlot };
  close?: { positionId: string; quantity: number };
}

/**
 * One scanner intent through the router (holds are not routed). Outside trading the caller names why
 * entries are refused; in trading an unhealthy venue refuses them (inv. 5).
 */
export function planRoute(c: SupervisorContext, asked: Intent, accepting: RouteRefusal | null): RoutePlan | null {
  if (asked.decision.action === 'hold') return null;
  // A live canary trades at its reduced size; after an automatic rollback entries route as reducing.
  const intent = canaryIntent(c.evolution, asked);
  const acceptingEntries = accepting ?? (c.venueHealthy ? null : 'venue_unhealthy');
  const newestCandle = newestClosed(c.feed, intent.pair);
  const state = { ledger: c.ledger, streak: c.streak, slots: c.slots, marks: c.marks, breaker: c.breaker, acceptingEntries, now: c.now, newestCandle };
  const route = routeIntent(intent, state, { ...c.settings!, limits: c.limits });
  if (route.kind === 'reject') {
    return {
      verdict: { outcome: 'rejected', rejectReason: route.reason, clOrdId: null },
      announced: { type: 'intent.rejected', intent, reason: route.reason, at: c.now },
    };
  }
  if (route.kind === 'exit') {
    const { positionId, quantity } = route;
    return {
      verdict: { outcome: 'acted', rejectReason: null, clOrdId: null },
      announced: { type: 'intent.accepted', intent, positionId, quantity, at: c.now },
      close: { positionId, quantity },
    };
  }
  const o = route.verdict.order;
  const positionId = positionIdFor(c.idPrefix, c.seq);
  return {
    verdict: { outcome: 'acted', rejectReason: null, clOrdId: `${positionId}-1` },
    announced: { type: 'intent.accepted', intent, positionId, quantity: o.quantity, at: c.now },
    spawn: {
      input: {
        positionId,
        pair: intent.pair,
        strategyVersion: intent.strategyVersion,
        now: c.now,
        timeouts: c.positionTimeouts,
        entry: { quantity: o.quantity, stopLoss: o.stopLoss, takeProfit: o.takeProfit, reason: intent.decision.reason || 'signal' },
      },
      slot: { positionId, pair: intent.pair, phase: 'pendingEntry', entryNotional: o.notional, stopLoss: o.stopLoss, takeProfit: o.takeProfit },
    },
  };
}

/** The ledger marked to market at `now` (peak, UTC day roll), with a journal row for each day that closed. */
export function markedLedger(l: Ledger, marks: SupervisorContext['marks'], now: number) {
  const ledger = cloneLedger(l);
  const days = ledger.days.length;
  observeEquity(
    ledger,
    now,
    equityOf(ledger, (p) => marks[p] ?? ledger.holdings[p]?.entryPrice ?? 0),
  );
  const journal = { realizedPnl: ledger.realizedPnl, feesPaid: ledger.feesPaid, peakEquity: ledger.peakEquity };
  const closedDays = ledger.days.slice(days).map((day) => ({ type: 'journal.daily', day, ledger: journal }) satisfies JournalCommand);
  return { ledger, closedDays };
}

/** What the breaker reads after a candle: the supervisor sends no exposure figures, only equity and the streak. */
export function breakerView(ledger: Ledger, now: number): RiskView {
  return {
    equity: ledger.lastEquity,
    peakEquity: ledger.peakEquity,
    dayStartEquity: ledger.dayStartEquity,
    cash: ledger.cash,
    openPositions: ledger.openCount,
    pairExposure: 0,
    totalExposure: 0,
    heldQuantity: 0,
    consecutiveLosses: ledger.consecutiveLosses,
    lastLossAt: ledger.lastLossAt,
    now,
  };
}

export function bookedFill(c: SupervisorContext, fill: Fill): Pick<SupervisorContext, 'ledger' | 'seenTrades' | 'now'> {
  const ledger = cloneLedger(c.ledger);
  applyFill(ledger, fill);
  return { ledger, seenTrades: { ...c.seenTrades, [fill.tradeId]: true }, now: Math.max(c.now, fill.time) };
}

/** A fill heard from the venue goes on, with its order's status, to the working position it belongs to (if any). */
export function fillForPosition(slots: readonly PositionSlot[], fill: Fill, order: VenueOrder): { positionId: string; events: PositionEvent[] } | null {
  const positionId = positionOfOrder(fill.clOrdId);
  if (!slots.some((s) => s.positionId === positionId)) return null;
  const update: PositionEvent = {
    type: 'order.update',
    clOrdId: order.clOrdId,
    status: order.status,
    venueOrderId: order.venueOrderId,
    filledQuantity: order.filledQuantity,
    time: fill.time,
  };
  return { positionId, events: [{ type: 'order.fill', fill }, update] };
}

/** The slots after a position's report: open again, or gone; undefined when the report changes none. */
export function slotsAfter(slots: readonly PositionSlot[], event: PositionEmitted): PositionSlot[] | undefined {
  if (event.type === 'position.opened' || event.type === 'position.exitIncomplete') {
    return slots.map((s) => (s.positionId === event.positionId ? { ...s, phase: 'open' as const } : s));
  }
  if (event.type === 'position.exitBlocked') return slots.map((s) => (s.positionId === event.positionId ? { ...s, phase: 'blocked' as const } : s));
  if (event.type === 'position.closed' || event.type === 'position.abandoned') return slots.filter((s) => s.positionId !== event.positionId);
  return undefined;
}

export function exitBlockedAlert(e: Extract<PositionEmitted, { type: 'position.exitBlocked' }>): string {
  return `position ${e.positionId}: the venue refused ${e.refusals} exits of ${e.remaining} ${e.pair} in a row (${e.reason}); no more are sent. Check the ${e.pair} balance at the venue, then close it by hand (manual close) or reconcile the ledger`;
}

/** The operator alert for a failure report (a chore, a strategy swap, a scanner, a child actor's error), if the event is one. */
export function alertOf(event: SupervisorEvent | EventObject): AlertBody | null {
  const e = event as SupervisorEvent;
  if (e.type === 'chore.failed') return failureAlert(`${e.chore} failed`, e.error);
  if (e.type === 'chore.done' && e.audit && !e.audit.passed) return { message: auditAlert(e.audit) };
  if (e.type === 'strategy.swapFailed') return failureAlert(`strategy ${e.versionId} not activated, the incumbent keeps trading`, e.error);
  if (e.type === 'scanner.failed') return failureAlert(`scanner ${e.pair} ${e.stage}`, e.error);
  if (event.type.startsWith('xstate.error.actor.')) return failureAlert(event.type, errorOf(event));
  return null;
}

const FOLLOWED: Partial<Record<string, BreakerLevel>> = { 'breaker.tripped': 'halted', 'breaker.reduced': 'reducing', 'breaker.resumed': 'active' };

/** The level a breaker report puts the supervisor's mirror at, if it moves it. */
export const breakerLevelOf = (type: string): BreakerLevel | undefined => FOLLOWED[type];

const CHORES: Partial<Record<string, Chore>> = {
  'schedule.feeRefresh': 'feeRefresh',
  'schedule.candleMaintenance': 'candleMaintenance',
  'schedule.audit': 'audit',
  'schedule.backup': 'backup',
};

export const choreSkippedAlert = (chore: Chore): string =>
  `the ${chore} chore has not finished since its last slot, so this slot is skipped: a run that outlasts its period is probably stuck (see brain logs; a restart clears it)`;

/** The chore a scheduler slot starts. The nightly slot is the cycle child's (model or offline evolver), not a chore. */
export function choreOf(event: SupervisorEvent): Chore | null {
  if (event.type === 'schedule.dailySnapshot') return 'drift';
  return CHORES[event.type] ?? null;
}

/** Refreshed fees replace the routing fees pair by pair, at once. */
export function settingsWithFees(c: SupervisorContext, fees: RouteSettings['fees']): SupervisorContext['settings'] {
  return { ...c.settings!, fees: { ...c.settings!.fees, ...fees } };
}

/** The entry orders still working: an emergency stop cancels them (each position's first order is its entry). */
export function workingEntryOrders(slots: readonly PositionSlot[]): string[] {
  return slots.filter((s) => s.phase === 'pendingEntry').map((s) => `${s.positionId}-1`);
}
