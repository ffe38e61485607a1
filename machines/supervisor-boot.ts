/**
 * Where the supervisor starts from: its context before boot, then what reconciliation hands over
 * (the ledger, the booked trade ids, the breaker's and the positions' rows) adopted into it, and the
 * restored children's inputs and slots. Pure, like supervisor-logic.ts, which keeps the running work
 * (routing, marks, fills, reports); kept apart because this part runs once per start.
 */
import type { PositionSlot } from '../src/trading/routing.ts';
import type { Ledger } from '../src/trading/portfolio.ts';
import type { BreakerInput } from './breaker.machine.ts';
import type { PositionInput, PositionRecord } from './position.machine.ts';
import { initialEvolution } from './supervisor-evolution.ts';
import { initialFeed } from './supervisor-feed.ts';
import type { BootState, SupervisorContext, SupervisorInput } from './supervisor-types.ts';

const EMPTY_LEDGER: Ledger = {
  initialCash: 0,
  cash: 0,
  holdings: {},
  openCount: 0,
  realizedPnl: 0,
  feesPaid: 0,
  slippagePaid: 0,
  peakEquity: 0,
  lastEquity: 0,
  day: Number.NaN,
  dayStartEquity: 0,
  days: [],
  consecutiveLosses: 0,
  lastLossAt: Number.NaN,
};

export function initialContext(input: SupervisorInput): SupervisorContext {
  return {
    pairs: input.pairs,
    limits: input.limits,
    timeframe: input.timeframe,
    positionTimeouts: input.positionTimeouts ?? {},
    settings: null,
    now: 0,
    ledger: { ...EMPTY_LEDGER, holdings: {}, days: [] },
    marks: {},
    breaker: 'active',
    streak: 0,
    venueHealthy: true,
    slots: [],
    seq: 0,
    idPrefix: '',
    seenTrades: {},
    boot: null,
    error: null,
    orchestrator: input.orchestrator ?? null,
    evolution: initialEvolution(input.evolution),
    feed: input.feed ? initialFeed(input.feed, input.pairs) : null,
  };
}

/** What reconciliation handed over, adopted; the trade ids it booked are never booked again. */
export function adoptedBoot(boot: BootState): Partial<SupervisorContext> {
  return {
    boot,
    settings: boot.settings,
    ledger: boot.ledger,
    now: boot.now,
    idPrefix: boot.idPrefix,
    seq: 0,
    seenTrades: Object.fromEntries(boot.bookedTradeIds.map((id) => [id, true] as const)),
  };
}

export function restoredBreakerInput(c: SupervisorContext, b: BootState): BreakerInput {
  return { limits: c.limits, now: c.now, ...(b.breaker ? { resume: { ...b.breaker, now: c.now } } : {}) };
}

/** A durable position child from its row (spawnChild takes no snapshot: input.resume), and the slot kept for it. */
export function restoredPosition(r: PositionRecord, now: number): { input: PositionInput; slot: PositionSlot } {
  const ctx = r.context;
  const input: PositionInput = {
    positionId: ctx.positionId,
    pair: ctx.pair,
    strategyVersion: ctx.strategyVersion,
    entry: { quantity: 0, stopLoss: null, takeProfit: null, reason: 'restored' },
    now,
    resume: { ...r, now },
  };
  const phase = r.value === 'exitBlocked' ? 'blocked' : typeof r.value === 'string' ? 'open' : (Object.keys(r.value)[0] as PositionSlot['phase']);
  const entryNotional = (ctx.order?.quantity ?? 0) * (ctx.holding?.entryPrice ?? 0);
  return { input, slot: { positionId: ctx.positionId, pair: ctx.pair, phase, entryNotional, stopLoss: ctx.stopLoss, takeProfit: ctx.takeProfit } };
}

export function restoredLevels(b: BootState): Pick<SupervisorContext, 'breaker' | 'streak'> {
  return { breaker: b.breaker?.value ?? 'active', streak: b.breaker?.context.consecutiveLosses ?? 0 };
}
