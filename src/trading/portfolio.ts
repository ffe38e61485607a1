/**
 * Portfolio accounting: cash, holdings, average entry, realised / unrealised P&L net of entry AND
 * exit fees, equity, peak, drawdown, daily P&L by UTC day, consecutive losses. One ledger serves
 * backtest, paper and live (DESIGN inv. 1). Functions mutate the ledger they are given, so the
 * backtest loop allocates nothing per bar; a caller that needs immutable snapshots (an XState
 * `assign`) passes `cloneLedger(prev)`. Pure otherwise: no clock, no I/O.
 *
 * Identities (property-tested): equity = cash + Σ quantity × mark;
 * initialCash + realisedPnl + Σ unrealisedPnl + Σ estimated exit fee = equity.
 */
import type { FeeRates, Fill, Pair } from '../contract/index.ts';
import type { RiskView } from './breaker.ts';
import { feeFor } from './market-rules.ts';
import { DAY_MS, utcDayStart } from '../clock/time.ts';
import { BrainError } from '../contract/errors.ts';

export interface Holding {
  readonly pair: Pair;
  quantity: number;
  /** Volume-weighted average buy price of the quantity held (fees excluded). */
  entryPrice: number;
  /** Entry fees attributed to the quantity still held (a partial sell realises its share). */
  entryFees: number;
  openedAt: number;
  stopLoss: number | null;
  takeProfit: number | null;
  /** Whole-position totals, for the closed-trade record. */
  boughtQuantity: number;
  boughtValue: number;
  soldQuantity: number;
  soldValue: number;
  fees: number;
  slippageCost: number;
  realizedPnl: number;
}

/** A position that went back to zero: what metrics call a trade. */
export interface ClosedPosition {
  readonly pair: Pair;
  readonly entryTime: number;
  readonly exitTime: number;
  /** Average buy price and average sell price over the whole position. */
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly quantity: number;
  readonly fees: number;
  readonly slippageCost: number;
  /** Net of entry and exit fees (and of slippage, which is inside the fill prices). */
  readonly pnl: number;
}

export interface DayRecord {
  /** UTC midnight, ms. */
  readonly day: number;
  readonly openEquity: number;
  readonly closeEquity: number;
}

export interface Ledger {
  readonly initialCash: number;
  cash: number;
  holdings: Partial<Record<Pair, Holding>>;
  openCount: number;
  realizedPnl: number;
  feesPaid: number;
  slippagePaid: number;
  peakEquity: number;
  lastEquity: number;
  /** UTC midnight of the current day (NaN before the first observation). */
  day: number;
  dayStartEquity: number;
  /** Closed UTC days; the current day is (day, dayStartEquity → lastEquity). */
  days: DayRecord[];
  consecutiveLosses: number;
  /** Exit time of the last losing trade (NaN if none): the breaker's cool-down counts from it. */
  lastLossAt: number;
}

export class AccountingError extends BrainError<'oversell' | 'bad_fill'> {
  override readonly name = 'AccountingError';
  constructor(code: 'oversell' | 'bad_fill', message: string) {
    super(message, { domain: 'accounting', code, retryable: false });
  }
}

export function createLedger(initialCash: number): Ledger {
  return {
    initialCash,
    cash: initialCash,
    holdings: {},
    openCount: 0,
    realizedPnl: 0,
    feesPaid: 0,
    slippagePaid: 0,
    peakEquity: initialCash,
    lastEquity: initialCash,
    day: Number.NaN,
    dayStartEquity: initialCash,
    days: [],
    consecutiveLosses: 0,
    lastLossAt: Number.NaN,
  };
}

export function cloneLedger(l: Ledger): Ledger {
  const holdings: Partial<Record<Pair, Holding>> = {};
  for (const [pair, h] of Object.entries(l.holdings) as [Pair, Holding][]) holdings[pair] = { ...h };
  return { ...l, holdings, days: [...l.days] };
}

/**
 * Books one fill. Returns the closed position when a sell brings the holding to zero.
 * `slippageCost` is the USD the fill lost to slippage (from fillMarketOrder, which also puts it on the
 * fill, hence the default), tracked for reports and the drift check.
 */
export function applyFill(l: Ledger, fill: Fill, slippageCost = fill.slippageCost ?? 0): ClosedPosition | null {
  if (!(fill.quantity > 0) || !(fill.price > 0) || !(fill.fee >= 0)) {
    throw new AccountingError(
      'bad_fill',
      `fill ${fill.tradeId} must have quantity, price > 0 and fee ≥ 0; got ${fill.quantity} @ ${fill.price} fee ${fill.fee}`,
    );
  }
  const value = fill.price * fill.quantity;
  l.feesPaid += fill.fee;
  l.slippagePaid += slippageCost;
  if (fill.side === 'buy') {
    l.cash -= value + fill.fee;
    buyInto(l, fill, value, slippageCost);
    return null;
  }
  l.cash += value - fill.fee;
  return sellFrom(l, fill, value, slippageCost);
}

function buyInto(l: Ledger, fill: Fill, value: number, slippageCost: number): void {
  let h = l.holdings[fill.pair];
  if (!h) {
    h = {
      pair: fill.pair,
      quantity: 0,
      entryPrice: 0,
      entryFees: 0,
      openedAt: fill.time,
      stopLoss: null,
      takeProfit: null,
      boughtQuantity: 0,
      boughtValue: 0,
      soldQuantity: 0,
      soldValue: 0,
      fees: 0,
      slippageCost: 0,
      realizedPnl: 0,
    };
    l.holdings[fill.pair] = h;
    l.openCount += 1;
  }
  h.entryPrice = (h.entryPrice * h.quantity + value) / (h.quantity + fill.quantity);
  h.quantity += fill.quantity;
  h.entryFees += fill.fee;
  h.boughtQuantity += fill.quantity;
  h.boughtValue += value;
  h.fees += fill.fee;
  h.slippageCost += slippageCost;
}

// A sell of everything can differ from the held sum of lot-rounded buys by float noise.
const DUST = 1e-12;

function sellFrom(l: Ledger, fill: Fill, value: number, slippageCost: number): ClosedPosition | null {
  const h = l.holdings[fill.pair];
  if (!h || fill.quantity > h.quantity * (1 + DUST)) {
    throw new AccountingError(
      'oversell',
      `sell ${fill.tradeId} of ${fill.quantity} ${fill.pair} exceeds the held ${h?.quantity ?? 0}; sell at most the held quantity`,
    );
  }
  const share = Math.min(1, fill.quantity / h.quantity);
  const entryFeeShare = h.entryFees * share;
  const pnl = (fill.price - h.entryPrice) * fill.quantity - fill.fee - entryFeeShare;
  h.entryFees -= entryFeeShare;
  h.quantity = share >= 1 - DUST ? 0 : h.quantity - fill.quantity;
  h.soldQuantity += fill.quantity;
  h.soldValue += value;
  h.fees += fill.fee;
  h.slippageCost += slippageCost;
  h.realizedPnl += pnl;
  l.realizedPnl += pnl;
  if (h.quantity > 0) return null;
  return closeHolding(l, h, fill.time);
}

function closeHolding(l: Ledger, h: Holding, time: number): ClosedPosition {
  delete l.holdings[h.pair];
  l.openCount -= 1;
  if (h.realizedPnl < 0) {
    l.consecutiveLosses += 1;
    l.lastLossAt = time;
  } else {
    l.consecutiveLosses = 0;
  }
  return {
    pair: h.pair,
    entryTime: h.openedAt,
    exitTime: time,
    entryPrice: h.boughtValue / h.boughtQuantity,
    exitPrice: h.soldValue / h.soldQuantity,
    quantity: h.boughtQuantity,
    fees: h.fees,
    slippageCost: h.slippageCost,
    pnl: h.realizedPnl,
  };
}

/** The ledger's holdings in its own order (the order they were opened): what riskViewOf sums exposure over. */
export function heldList(l: Ledger): Holding[] {
  return Object.values(l.holdings) as Holding[];
}

/** equity = cash + Σ quantity × mark: the one mark-to-market formula (engine hot path included). */
export function markEquity(cash: number, quantities: ArrayLike<number>, marks: ArrayLike<number>): number {
  let equity = cash;
  for (let i = 0; i < quantities.length; i++) {
    const q = quantities[i]!;
    if (q !== 0) equity += q * marks[i]!;
  }
  return equity;
}

export function equityOf(l: Ledger, markOf: (pair: Pair) => number): number {
  let equity = l.cash;
  for (const h of heldList(l)) equity += h.quantity * markOf(h.pair);
  return equity;
}

/** What closing the holding at `mark` would realise: net of remaining entry fees and the taker exit fee. */
export function unrealizedPnl(h: Holding, mark: number, fees: FeeRates): number {
  return (mark - h.entryPrice) * h.quantity - h.entryFees - feeFor(mark * h.quantity, fees, 'taker');
}

/** Records a mark-to-market equity: peak, and the UTC day roll (the day opens at the last equity seen). */
export function observeEquity(l: Ledger, time: number, equity: number): void {
  // Most calls fall in the current day: skip the modulo (a backtest calls this for every candle).
  const day = time >= l.day && time < l.day + DAY_MS ? l.day : utcDayStart(time);
  if (day !== l.day) {
    if (!Number.isNaN(l.day)) l.days.push({ day: l.day, openEquity: l.dayStartEquity, closeEquity: l.lastEquity });
    l.day = day;
    l.dayStartEquity = l.lastEquity;
  }
  if (equity > l.peakEquity) l.peakEquity = equity;
  l.lastEquity = equity;
}

/** (peak − equity) / peak, in [0, 1]. */
export function drawdownOf(l: Ledger, equity = l.lastEquity): number {
  return l.peakEquity > 0 ? Math.max(0, (l.peakEquity - equity) / l.peakEquity) : 0;
}

/** P&L since 00:00 UTC of the current day. */
export function dailyPnlOf(l: Ledger, equity = l.lastEquity): number {
  return equity - l.dayStartEquity;
}

/**
 * The risk view of `pair` from a ledger at `now`, marks from `markOf`. Pending (sent, unfilled) buys
 * reserve exposure and cash; the live daemon passes its pendingEntry orders, the engine its queue.
 * `holdings` is the ledger's holdings in its own order (heldList), passed by a caller that
 * keeps that list between fills (the engine asks for a view on every decision, and listing a
 * holdings object that has had deletes costs about a microsecond each time); same list, same sum.
 */
export function riskViewOf(
  l: Ledger,
  pair: Pair,
  now: number,
  markOf: (pair: Pair) => number,
  pending: PendingBuys = NO_PENDING,
  holdings: readonly Holding[] = heldList(l),
): RiskView {
  let exposure = 0;
  for (const h of holdings) exposure += h.quantity * markOf(h.pair);
  const held = l.holdings[pair];
  return {
    equity: l.cash + exposure,
    cash: l.cash - pending.reservedCash,
    peakEquity: Math.max(l.peakEquity, l.cash + exposure),
    dayStartEquity: l.dayStartEquity,
    consecutiveLosses: l.consecutiveLosses,
    lastLossAt: l.lastLossAt,
    now,
    openPositions: l.openCount + pending.newPositions,
    pairExposure: (held ? held.quantity * markOf(pair) : 0) + pending.notionalOf(pair),
    totalExposure: exposure + pending.totalNotional,
    heldQuantity: held ? held.quantity : 0,
  };
}

export interface PendingBuys {
  /** Cash the pending buys will need (notional plus fee and slippage). */
  readonly reservedCash: number;
  readonly totalNotional: number;
  /** Pending buys in pairs not held yet: they will be new positions. */
  readonly newPositions: number;
  notionalOf(pair: Pair): number;
}

const NO_PENDING: PendingBuys = { reservedCash: 0, totalNotional: 0, newPositions: 0, notionalOf: () => 0 };
