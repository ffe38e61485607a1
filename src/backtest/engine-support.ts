/** Book-keeping around the engine loop: the queue of orders awaiting the next open, input checks, the summary. */
import type { DecisionInput, Pair } from '../contract/index.ts';
import type { Ledger, PendingBuys, RiskOrder } from '../trading/index.ts';
import { EngineError, INTENT_ACTION_CODES, type BacktestTrade, type EngineConfig, type EngineSummary, type MarketData } from './engine-types.ts';

const BUY = 1;

/**
 * Orders accepted on a candle's close, waiting for the pair's next open. Pending buys reserve
 * exposure and cash for the risk view (PendingBuys), so nine buys on one step cannot overspend.
 */
export class EnginePending implements PendingBuys {
  readonly side: Uint8Array;
  private readonly quantity: Float64Array;
  private readonly notional: Float64Array;
  private readonly stopLoss: Float64Array;
  private readonly takeProfit: Float64Array;
  private readonly index = new Map<Pair, number>();

  constructor(
    n: number,
    pairs: readonly Pair[],
    private readonly cfg: EngineConfig,
    /** The engine's held quantities: an add-on to a held pair is not a new position. */
    private readonly held: Float64Array,
  ) {
    this.side = new Uint8Array(n);
    [this.quantity, this.notional, this.stopLoss, this.takeProfit] = [0, 0, 0, 0].map(() => new Float64Array(n)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    pairs.forEach((pair, p) => this.index.set(pair, p));
  }

  queue(p: number, side: number, order: RiskOrder): void {
    this.side[p] = side;
    this.quantity[p] = order.quantity;
    this.notional[p] = side === BUY ? order.notional : 0;
    this.stopLoss[p] = order.stopLoss ?? Number.NaN;
    this.takeProfit[p] = order.takeProfit ?? Number.NaN;
  }

  take(p: number): { quantity: number; stopLoss: number; takeProfit: number } {
    this.side[p] = 0;
    this.notional[p] = 0;
    return { quantity: this.quantity[p]!, stopLoss: this.stopLoss[p]!, takeProfit: this.takeProfit[p]! };
  }

  any(): boolean {
    for (let p = 0; p < this.side.length; p++) if (this.side[p] !== 0) return true;
    return false;
  }

  get reservedCash(): number {
    let cash = 0;
    for (let p = 0; p < this.side.length; p++) cash += this.notional[p]! * (1 + this.cfg.fees[p]!.taker + this.cfg.slippage);
    return cash;
  }

  get totalNotional(): number {
    let sum = 0;
    for (let p = 0; p < this.notional.length; p++) sum += this.notional[p]!;
    return sum;
  }

  /** Pending buys into pairs not held yet: each will be one more open position. */
  get newPositions(): number {
    let count = 0;
    for (let p = 0; p < this.side.length; p++) if (this.notional[p]! > 0 && this.held[p] === 0) count += 1;
    return count;
  }

  notionalOf(pair: Pair): number {
    const p = this.index.get(pair);
    return p === undefined ? 0 : this.notional[p]!;
  }
}

export interface RunWindow {
  /** First step on which `decide` is called. */
  readonly from: number;
  readonly start: number;
  readonly end: number;
}

export function windowOf(cfg: EngineConfig, data: MarketData): RunWindow {
  const start = cfg.start ?? 0;
  const end = cfg.end ?? data.time.length;
  return { from: Math.max(0, start - (cfg.warmupSteps ?? start)), start, end };
}

export function validateRun(cfg: EngineConfig, data: MarketData): void {
  const n = data.time.length;
  const bad = (code: 'invalid_data' | 'invalid_config', msg: string): never => {
    throw new EngineError(code, msg);
  };
  if (data.columns.length !== data.pairs.length)
    bad('invalid_data', `MarketData has ${data.pairs.length} pairs but ${data.columns.length} column sets; build it with alignMarketData`);
  data.columns.forEach((c, p) => {
    if (c.open.length !== n || c.close.length !== n || c.high.length !== n || c.low.length !== n) {
      bad('invalid_data', `columns of ${data.pairs[p]} have ${c.open.length} rows, the grid has ${n}; every column must span the grid (NaN where no candle)`);
    }
  });
  if (cfg.fees.length !== data.pairs.length || cfg.rules.length !== data.pairs.length) {
    bad(
      'invalid_config',
      `config has ${cfg.fees.length} fee and ${cfg.rules.length} rule entries for ${data.pairs.length} pairs; give one per pair, in MarketData.pairs order (engineConfig does)`,
    );
  }
  const { start, end } = windowOf(cfg, data);
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= n)) {
    bad('invalid_config', `window start=${start} end=${end} must satisfy 0 <= start <= end <= ${n} (steps)`);
  }
  if (!(cfg.initialCash > 0) || !(cfg.slippage >= 0 && cfg.slippage < 0.1)) {
    bad('invalid_config', `initialCash must be > 0 (got ${cfg.initialCash}) and slippage in [0, 0.1) (got ${cfg.slippage})`);
  }
}

function validPrice(x: number | undefined): boolean {
  return x === undefined || (Number.isFinite(x) && x > 0);
}

/** The log code of a decision, which must be well formed: a malformed one is the strategy's bug and stops the run. */
export function actionCode(d: DecisionInput, p: number, s: number): number {
  const code = INTENT_ACTION_CODES[d.action as keyof typeof INTENT_ACTION_CODES];
  const f = d.sizeFraction ?? 0;
  const sizeOk = d.action === 'close' || (f > 0 && f <= 1);
  if (code === undefined || !sizeOk || !validPrice(d.stopLoss) || !validPrice(d.takeProfit)) {
    throw new EngineError(
      'invalid_decision',
      `decision for pair ${p} at step ${s} is invalid: ${JSON.stringify(d).slice(0, 200)}; return action buy|sell|close|hold, sizeFraction in (0, 1] for buy/sell, positive finite stopLoss/takeProfit`,
    );
  }
  return code;
}

export interface RunCounts {
  readonly fills: number;
  readonly intents: number;
  readonly rejected: number;
  readonly unfilled: number;
  readonly steps: number;
}

export function summarize(initialCash: number, l: Ledger, finalEquity: number, trades: readonly BacktestTrade[], c: RunCounts): EngineSummary {
  return {
    initialCash,
    finalEquity,
    totalReturn: finalEquity / initialCash - 1,
    trades: trades.length,
    wins: trades.filter((t) => t.pnl > 0).length,
    openAtEnd: trades.filter((t) => t.openAtEnd).length,
    fees: l.feesPaid,
    slippage: l.slippagePaid,
    fills: c.fills,
    intents: c.intents,
    rejectedIntents: c.rejected,
    unfilledOrders: c.unfilled,
    steps: c.steps,
  };
}
