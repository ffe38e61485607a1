/**
 * The supervisor's pure decisions (DESIGN inv. 3): the risk view of a pair from the daemon's ledger and
 * its working positions, and the verdict on one scanner intent. No clock, no I/O: the machine calls
 * these from assign/enqueueActions, the bench calls them directly.
 */
import type { FeeRates, Intent, Pair, PairRules, RiskLimits } from '../contract/index.ts';
import type { BreakerLevel, RiskView } from './breaker.ts';
import { riskViewOf, type Ledger, type PendingBuys } from './portfolio.ts';
import { evaluateIntent, type RiskVerdict } from './risk.ts';

/** blocked: the venue refused its exits too often (position.exitBlocked); only an operator close tries again. */
export type PositionPhase = 'pendingEntry' | 'open' | 'pendingExit' | 'blocked';

/** What the supervisor keeps about each live position child (its own state stays in the child). */
export interface PositionSlot {
  readonly positionId: string;
  readonly pair: Pair;
  phase: PositionPhase;
  /** Notional of the entry order while it is working (reserves cash and exposure). */
  readonly entryNotional: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
}

/**
 * Whether a live price concerns the position: only a touched stop or target makes it act, and each
 * price it hears is a persisted state change, so it is not told the thousands of prices in between.
 */
export function priceTriggers(slot: PositionSlot, price: number): boolean {
  return (slot.stopLoss !== null && price <= slot.stopLoss) || (slot.takeProfit !== null && price >= slot.takeProfit);
}

export interface RouteSettings {
  readonly limits: RiskLimits;
  readonly rules: Partial<Record<Pair, PairRules>>;
  readonly fees: Partial<Record<Pair, FeeRates>>;
  readonly fallbackFees: FeeRates;
  readonly slippage: number;
}

/** Why the supervisor refused an intent before (or instead of) the risk gate. */
export type RouteRefusal = 'paused' | 'halted' | 'venue_unhealthy' | 'position_working' | 'unknown_pair' | 'no_price' | 'stale_candle';

export type Route =
  | { kind: 'enter'; verdict: Extract<RiskVerdict, { verdict: 'accept' }> }
  | { kind: 'exit'; positionId: string; quantity: number }
  | { kind: 'reject'; reason: string };

export function pendingBuysOf(slots: readonly PositionSlot[], ledger: Ledger, costFraction: number): PendingBuys {
  const pending = slots.filter((s) => s.phase === 'pendingEntry');
  const byPair = new Map<Pair, number>();
  for (const s of pending) byPair.set(s.pair, (byPair.get(s.pair) ?? 0) + s.entryNotional);
  const totalNotional = pending.reduce((sum, s) => sum + s.entryNotional, 0);
  return {
    reservedCash: totalNotional * (1 + costFraction),
    totalNotional,
    newPositions: pending.filter((s) => !ledger.holdings[s.pair]).length,
    notionalOf: (pair) => byPair.get(pair) ?? 0,
  };
}

export function riskViewFor(
  ledger: Ledger,
  slots: readonly PositionSlot[],
  marks: Partial<Record<Pair, number>>,
  pair: Pair,
  now: number,
  s: RouteSettings,
): RiskView {
  const fees = s.fees[pair] ?? s.fallbackFees;
  const markOf = (p: Pair) => marks[p] ?? ledger.holdings[p]?.entryPrice ?? 0;
  return riskViewOf(ledger, pair, now, markOf, pendingBuysOf(slots, ledger, fees.taker + s.slippage));
}

export interface RouteState {
  readonly ledger: Ledger;
  /** The breaker's losing streak (reset by a resume), which the gate reads instead of the ledger's. */
  readonly streak: number;
  readonly slots: readonly PositionSlot[];
  readonly marks: Partial<Record<Pair, number>>;
  readonly breaker: BreakerLevel;
  readonly acceptingEntries: RouteRefusal | null;
  readonly now: number;
  /** Open time of the newest closed candle of the intent's pair that the supervisor holds (null: none yet). */
  readonly newestCandle: number | null;
}

/**
 * A buy decided on a candle older than its pair's newest closed one is a catch-up decision (a back-fill
 * after a feed outage, or a scanner a candle behind): the venue would fill it at today's price on old
 * reasons. Judged on the pair's own candle times, never against a clock, which need not be the candles'.
 * Exits are never stale: getting out on an old signal only lowers risk.
 */
export const isStaleEntry = (intent: Intent, newestCandle: number | null): boolean =>
  intent.decision.action === 'buy' && newestCandle !== null && intent.candleTime < newestCandle;

/**
 * One intent → enter (risk-accepted entry), exit (the pair's open position), or a reject with the reason.
 * Exits bypass pause and health (inv. 3, 5: only new entries stop); a pair with a working order waits;
 * an entry on a candle that is not its pair's newest is refused (`isStaleEntry`).
 */
export function routeIntent(intent: Intent, st: RouteState, s: RouteSettings): Route {
  const action = intent.decision.action;
  if (action === 'hold') return { kind: 'reject', reason: 'hold' };
  const rules = s.rules[intent.pair];
  if (!rules) return { kind: 'reject', reason: 'unknown_pair' };
  const slot = st.slots.find((p) => p.pair === intent.pair);
  if (action === 'buy') {
    if (st.acceptingEntries) return { kind: 'reject', reason: st.acceptingEntries };
    if (isStaleEntry(intent, st.newestCandle)) return { kind: 'reject', reason: 'stale_candle' };
    if (slot) return { kind: 'reject', reason: 'position_working' };
  } else if (slot?.phase !== 'open') {
    return { kind: 'reject', reason: slot ? (slot.phase === 'blocked' ? 'position_blocked' : 'position_working') : 'no_position' };
  }
  const view = { ...riskViewFor(st.ledger, st.slots, st.marks, intent.pair, st.now, s), consecutiveLosses: st.streak };
  const verdict = evaluateIntent(
    {
      pair: intent.pair,
      action,
      sizeFraction: intent.decision.sizeFraction,
      refPrice: intent.refPrice,
      stopLoss: intent.decision.stopLoss ?? null,
      takeProfit: intent.decision.takeProfit ?? null,
    },
    view,
    { limits: s.limits, rules, fees: s.fees[intent.pair] ?? s.fallbackFees, slippage: s.slippage },
    st.breaker,
  );
  if (verdict.verdict === 'reject') return { kind: 'reject', reason: verdict.reason };
  if (action === 'buy') return { kind: 'enter', verdict };
  return { kind: 'exit', positionId: slot!.positionId, quantity: verdict.order.quantity };
}

/**
 * `P` + the boot's id prefix (ids.ts) + the boot's position counter in base 36: never from the clock, and
 * ≤ 12 characters below 36⁵ positions per boot, so a cl_ord_id `${positionId}-9999` still fits Kraken's 18.
 */
export function positionIdFor(prefix: string, seq: number): string {
  return `P${prefix}${seq.toString(36)}`;
}

/** The position a cl_ord_id belongs to: cl_ord_ids are `${positionId}-${n}`. */
export function positionOfOrder(clOrdId: string): string {
  const i = clOrdId.lastIndexOf('-');
  return i < 0 ? clOrdId : clOrdId.slice(0, i);
}

/** One portfolio row (the supervisor journals one per candle step). */
export interface PortfolioRow {
  readonly time: number;
  readonly cash: number;
  readonly equity: number;
  readonly peakEquity: number;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
  readonly feesPaid: number;
}

/** Marked to market: unrealised P&L net of the entry fees still attributed to the holdings. */
export function portfolioRow(l: Ledger, marks: Partial<Record<Pair, number>>, time: number): PortfolioRow {
  let unrealizedPnl = 0;
  for (const h of Object.values(l.holdings)) if (h) unrealizedPnl += ((marks[h.pair] ?? h.entryPrice) - h.entryPrice) * h.quantity - h.entryFees;
  return { time, cash: l.cash, equity: l.lastEquity, peakEquity: l.peakEquity, realizedPnl: l.realizedPnl, unrealizedPnl, feesPaid: l.feesPaid };
}
