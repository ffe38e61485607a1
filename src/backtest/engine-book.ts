/**
 * The engine run's book (timing rules in engine.ts): the ledger, each pair's position as the
 * strategy's context shows it (quantity, SL/TP, entry step), the orders queued for the next open,
 * and the fills, trades and refusals they make. The step loop (engine-run.ts) extends this class
 * rather than holding one: the run stays one object of one shape, and the loop's calls into the
 * book stay direct `this` calls with no hop through another object.
 */
import type { DecisionInput, Pair } from '../contract/index.ts';
import {
  applyFill,
  createLedger,
  evaluateIntent,
  fillMarketOrder,
  REJECT_REASONS,
  riskViewOf,
  streakAfterCoolDown,
  type ClosedPosition,
  type Holding,
  type Ledger,
  type RiskIntent,
  type RiskSettings,
} from '../trading/index.ts';
import { EngineBarContext, type RevealedColumns } from './engine-context.ts';
import { IntentsLogBuilder } from './engine-log.ts';
import { actionCode, EnginePending } from './engine-support.ts';
import type { PreparedMarket } from './prepared-market.ts';
import type { BacktestTrade, EngineConfig, EngineFill, FillReason, MarketData } from './engine-types.ts';

const NONE = 0;
const BUY = 1;
const SELL = 2;

export class EngineBook {
  protected readonly n: number;
  protected readonly ledger: Ledger;
  protected readonly qty: Float64Array;
  protected readonly lastClose: Float64Array;
  private readonly lastStep: Int32Array;
  private readonly stop: Float64Array;
  private readonly target: Float64Array;
  private readonly entryStep: Int32Array;
  private readonly pending: EnginePending;
  protected readonly ctx: EngineBarContext[];
  private readonly settings: RiskSettings[];
  private readonly index = new Map<Pair, number>();
  protected readonly log = new IntentsLogBuilder();
  protected readonly trades: BacktestTrade[] = [];
  protected readonly fills: EngineFill[] = [];
  /** Marks for the risk view: a pair's last close (only held pairs are asked). */
  private readonly markOf = (pair: Pair): number => this.lastClose[this.index.get(pair)!]!;
  protected rejected = 0;
  protected unfilled = 0;
  /** holdingsInOrder()'s list, kept in step with the ledger's holdings by each fill (the one thing that changes them). */
  private readonly held: Holding[] = [];

  constructor(
    protected readonly cfg: EngineConfig,
    protected readonly data: MarketData,
    protected readonly market: PreparedMarket,
    revealed: readonly RevealedColumns[],
  ) {
    const n = (this.n = data.pairs.length);
    this.ledger = createLedger(cfg.initialCash);
    [this.qty, this.lastClose, this.stop, this.target] = [0, 0, 0, 0].map(() => new Float64Array(n)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    this.lastStep = new Int32Array(n).fill(-1);
    this.entryStep = new Int32Array(n).fill(-1);
    this.stop.fill(Number.NaN);
    this.target.fill(Number.NaN);
    this.pending = new EnginePending(n, data.pairs, cfg, this.qty);
    this.settings = data.pairs.map((_, p) => ({ limits: cfg.limits, rules: cfg.rules[p]!, fees: cfg.fees[p]!, slippage: cfg.slippage }));
    // Inv. 2 by construction: `revealed` is the only candle data `decide` can reach; fills read the full data.
    this.ctx = data.pairs.map((pair, p) => new EngineBarContext(pair, revealed[p]!, cfg.params, cfg.fees[p]!, cfg.rules[p]!));
    data.pairs.forEach((pair, p) => this.index.set(pair, p));
  }

  /** True when some pair holds a position or has a queued order: only then does a step need executing. */
  protected busy(): boolean {
    return this.ledger.openCount > 0 || this.pending.any();
  }

  /**
   * Queued orders fill at the open, then SL/TP inside the candle, then the close becomes the mark.
   * Flat pairs without an order have nothing to do here (their close only matters once held).
   */
  protected executeStep(s: number): void {
    const { n, qty, lastClose, lastStep } = this;
    const pendingSide = this.pending.side;
    const rowOf = this.market.rowOf;
    const columns = this.data.columns;
    for (let p = 0; p < n; p++) {
      const side = pendingSide[p]!;
      if ((side === NONE && qty[p] === 0) || rowOf[p]![s]! < 0) continue;
      const cols = columns[p]!;
      const open = cols.open[s]!;
      if (side !== NONE) this.executePending(p, s, side, open);
      if (qty[p]! > 0) this.checkExits(p, s, open, cols.high[s]!, cols.low[s]!);
      lastClose[p] = cols.close[s]!;
      lastStep[p] = s;
    }
  }

  private executePending(p: number, s: number, side: number, open: number): void {
    const { quantity, stopLoss, takeProfit } = this.pending.take(p);
    if (side === SELL) {
      this.execute(p, s, 'sell', Math.min(quantity, this.qty[p]!), open, 'signal');
      return;
    }
    const wasFlat = this.qty[p] === 0;
    if (!this.execute(p, s, 'buy', quantity, open, 'entry')) return;
    if (wasFlat) this.entryStep[p] = s;
    if (!Number.isNaN(stopLoss)) this.stop[p] = stopLoss;
    if (!Number.isNaN(takeProfit)) this.target[p] = takeProfit;
    this.syncPosition(p);
  }

  private checkExits(p: number, s: number, open: number, high: number, low: number): void {
    const sl = this.stop[p]!;
    const tp = this.target[p]!;
    if (!Number.isNaN(sl) && low <= sl) this.execute(p, s, 'sell', this.qty[p]!, Math.min(open, sl), 'stop_loss');
    else if (!Number.isNaN(tp) && high >= tp) this.execute(p, s, 'sell', this.qty[p]!, Math.max(open, tp), 'take_profit');
  }

  /** One market order through the shared fill model and ledger; false when the venue would refuse it. */
  private execute(p: number, s: number, side: 'buy' | 'sell', quantity: number, refPrice: number, reason: FillReason): boolean {
    const pair = this.data.pairs[p]!;
    const id = `bt-${this.fills.length + 1}`;
    const time = this.data.time[s]!;
    this.resumeAfterCoolDown(time);
    const r = fillMarketOrder(
      { clOrdId: id, venueTradeId: id, pair, side, quantity, time },
      { refPrice, rules: this.cfg.rules[p]!, fees: this.cfg.fees[p]!, slippage: this.cfg.slippage, cash: side === 'buy' ? this.ledger.cash : undefined },
    );
    if (!r.ok) {
      this.unfilled += 1;
      return false;
    }
    const opened = side === 'buy' && this.qty[p] === 0;
    const closed = applyFill(this.ledger, r.fill, r.slippageCost);
    // As the ledger's holdings object orders its keys: a new holding last, a closed one taken out.
    if (opened) this.held.push(this.ledger.holdings[pair]!);
    else if (closed) this.held.splice(this.heldIndex(pair), 1);
    const f = r.fill;
    this.fills.push({
      tradeId: f.tradeId,
      clOrdId: f.clOrdId,
      pair,
      side,
      price: f.price,
      quantity: f.quantity,
      fee: f.fee,
      liquidity: f.liquidity,
      time,
      step: s,
      pairIndex: p,
      reason,
      refPrice,
      slippageCost: r.slippageCost,
    });
    this.qty[p] = this.ledger.holdings[pair]?.quantity ?? 0;
    if (closed) this.recordTrade(p, s, closed, reason);
    this.syncPosition(p);
    return true;
  }

  private recordTrade(p: number, s: number, c: ClosedPosition, reason: FillReason): void {
    const exitReason = reason === 'entry' ? 'signal' : reason;
    this.trades.push({
      pair: c.pair,
      entryTime: c.entryTime,
      exitTime: c.exitTime,
      entryPrice: c.entryPrice,
      exitPrice: c.exitPrice,
      quantity: c.quantity,
      fees: c.fees,
      slippageCost: c.slippageCost,
      pnl: c.pnl,
      exitReason,
      openAtEnd: exitReason === 'end_of_data',
      pairIndex: p,
      entryStep: this.entryStep[p]!,
      exitStep: s,
    });
    this.stop[p] = Number.NaN;
    this.target[p] = Number.NaN;
    this.entryStep[p] = -1;
  }

  /** Mirrors the ledger holding into the strategy's position view and the holding's SL/TP. */
  private syncPosition(p: number): void {
    const ctx = this.ctx[p]!;
    const h = this.ledger.holdings[this.data.pairs[p]!];
    if (!h) {
      ctx.position = null;
      return;
    }
    h.stopLoss = Number.isNaN(this.stop[p]!) ? null : this.stop[p]!;
    h.takeProfit = Number.isNaN(this.target[p]!) ? null : this.target[p]!;
    const v = ctx.positionSlot;
    [v.quantity, v.entryPrice, v.entryTime, v.stopLoss, v.takeProfit] = [h.quantity, h.entryPrice, h.openedAt, h.stopLoss, h.takeProfit];
    ctx.position = v;
  }

  protected onDecision(p: number, s: number, d: DecisionInput): void {
    const code = actionCode(d, p, s);
    const row = this.log.push(s, p, code, d.sizeFraction ?? 0, d.stopLoss ?? Number.NaN, d.takeProfit ?? Number.NaN);
    const pair = this.data.pairs[p]!;
    const intent: RiskIntent = {
      pair,
      action: d.action as RiskIntent['action'],
      sizeFraction: d.sizeFraction ?? 0,
      refPrice: this.data.columns[p]!.close[s]!,
      stopLoss: d.stopLoss,
      takeProfit: d.takeProfit,
    };
    this.resumeAfterCoolDown(this.data.time[s]!);
    const view = riskViewOf(this.ledger, pair, this.data.time[s]!, this.markOf, this.pending, this.holdingsInOrder());
    // No persisted breaker machine in a backtest: evaluateIntent applies the breaker's trigger rule itself.
    const v = evaluateIntent(intent, view, this.settings[p]!, 'active');
    if (v.verdict === 'reject') {
      this.log.setOutcome(row, 1 + REJECT_REASONS.indexOf(v.reason));
      this.rejected += 1;
      return;
    }
    this.pending.queue(p, v.order.side === 'buy' ? BUY : SELL, v.order);
  }

  /**
   * What riskViewOf sums the exposure over: heldList(ledger), the same holdings in the same order,
   * kept by execute() as it fills. The engine asks for a risk view on every decision (tens of
   * thousands in a canary run), and listing a holdings object that has had deletes cost ~1 µs each time.
   */
  protected holdingsInOrder(): readonly Holding[] {
    return this.held;
  }

  private heldIndex(pair: Pair): number {
    return this.held.findIndex((h) => h.pair === pair);
  }

  /** The live breaker's auto-resume resets the losing streak; the engine does the same once the cool-down has passed. */
  private resumeAfterCoolDown(time: number): void {
    const l = this.ledger;
    if (l.consecutiveLosses > 0) l.consecutiveLosses = streakAfterCoolDown(l.consecutiveLosses, l.lastLossAt, time, this.cfg.limits);
  }

  protected closeAtEnd(): void {
    for (let p = 0; p < this.n; p++) {
      if (this.qty[p]! > 0) this.execute(p, this.lastStep[p]!, 'sell', this.qty[p]!, this.lastClose[p]!, 'end_of_data');
    }
  }
}
