/**
 * A paper test's shadow: the candidate scans the same closed candles as the incumbent, through the live
 * scan path (src/sandbox/live.ts, its own sandbox child), and its decisions trade in a ledger of its
 * own: the backtest engine replaying them over the window's candles, with the configured risk rules,
 * fees, slippage and the one fill model (DESIGN inv. 1) — never the venue. Its decisions are stored as
 * they are made, so the shadow ledger survives a restart; a restarted shadow re-warms on the stored
 * candles and scans the ones it missed.
 */
import { alignMarketData } from '../backtest/data.ts';
import { runEngine, type DecideFn, type EngineConfig, type EngineResult, type MarketData } from '../backtest/engine.ts';
import type { Candle, DecisionInput, Pair, PositionView, Timeframe } from '../contract/index.ts';
import { timeframeMs } from '../contract/index.ts';
import type { CandlesRepo, EvolutionRepo, ShadowDecision } from '../db/index.ts';
import type { LiveStrategy } from '../sandbox/live.ts';
import { applyFill, createLedger } from '../trading/portfolio.ts';

const HOLD: DecisionInput = Object.freeze({ action: 'hold' });

export interface ShadowMarket {
  readonly pairs: readonly Pair[];
  readonly timeframe: Timeframe;
  readonly candles: CandlesRepo;
  /** Candles replayed into the strategy before the window (the scanners' warm-up). */
  readonly warmupBars: number;
  /** Costs, rules and limits of a run over `pairs` (the daemon's: pair table fees and rules, config risk). */
  readonly engineConfig: (pairs: readonly Pair[]) => EngineConfig;
}

/** The window's candles on one grid: warm-up before `from`, and the first step traded. */
export function windowData(m: ShadowMarket, from: number, to: number): { data: MarketData; start: number } {
  const warm = m.warmupBars * timeframeMs(m.timeframe);
  const data = alignMarketData(m.pairs.map((pair) => ({ pair, columns: m.candles.rangeColumns(pair, m.timeframe, from - warm, to) })));
  const start = data.time.findIndex((t) => t >= from);
  return { data, start: start < 0 ? data.time.length : start };
}

/** The shadow ledger: the engine over the window answering from the recorded decisions. */
export function shadowRun(data: MarketData, start: number, decisions: readonly ShadowDecision[], config: EngineConfig): EngineResult {
  const at = new Map<string, DecisionInput>();
  for (const d of decisions) at.set(`${d.candleTime}|${d.pair}`, d.decision as unknown as DecisionInput);
  const decide: DecideFn = Object.assign((p: number, s: number) => at.get(`${data.time[s]}|${data.pairs[p]}`) ?? HOLD, { readsBar: false });
  return runEngine({ ...config, start, end: data.time.length, warmupSteps: 0 }, data, decide);
}

/** What the shadow holds after its last step (the end-of-data closes left out): the strategy's position view. */
export function shadowPositions(r: EngineResult, initialCash: number): { positions: Partial<Record<Pair, PositionView>>; equity: number } {
  const ledger = createLedger(initialCash);
  for (const f of r.fills) if (f.reason !== 'end_of_data') applyFill(ledger, f, f.slippageCost);
  const positions: Partial<Record<Pair, PositionView>> = {};
  for (const h of Object.values(ledger.holdings)) {
    if (h) positions[h.pair] = { quantity: h.quantity, entryPrice: h.entryPrice, entryTime: h.openedAt, stopLoss: h.stopLoss, takeProfit: h.takeProfit };
  }
  return { positions, equity: r.equity.value.at(-1) ?? initialCash };
}

export interface ShadowDeps {
  readonly market: ShadowMarket;
  readonly decisions: Pick<EvolutionRepo, 'recordDecision' | 'decisions'>;
  /** The candidate's live strategy; its position and equity callbacks read `view()`. */
  readonly startStrategy: (view: () => { positions: Partial<Record<Pair, PositionView>>; equity: number }) => Promise<LiveStrategy>;
  readonly now: () => number;
}

export interface ShadowProgress {
  trades: number;
  lastCandleTime: number;
  now: number;
}

/** One running shadow. `start` warms it and catches up; `onCandle` takes each closed candle after that. */
export class Shadow {
  private view = { positions: {} as Partial<Record<Pair, PositionView>>, equity: 0 };
  private pending: Array<{ pair: Pair; candle: Candle }> = [];
  private last: number;

  private constructor(
    private readonly deps: ShadowDeps,
    private readonly id: string,
    private readonly startedAt: number,
    private readonly strategy: LiveStrategy,
    lastCandleTime: number | null,
  ) {
    this.last = lastCandleTime ?? Number.NEGATIVE_INFINITY;
    this.view.equity = deps.market.engineConfig(deps.market.pairs).initialCash;
  }

  static async start(
    deps: ShadowDeps,
    input: { id: string; startedAt: number; lastCandleTime: number | null },
  ): Promise<{ shadow: Shadow; progress: ShadowProgress | null }> {
    let self: Shadow | null = null;
    const strategy = await deps.startStrategy(() => self?.view ?? { positions: {}, equity: 0 });
    self = new Shadow(deps, input.id, input.startedAt, strategy, input.lastCandleTime);
    return { shadow: self, progress: await self.warmAndCatchUp() };
  }

  /** A closed candle: the candles of one time are scanned together, when the next time begins. */
  async onCandle(pair: Pair, candle: Candle): Promise<ShadowProgress | null> {
    if (candle.time <= this.last || candle.time < this.startedAt) return null;
    if (this.pending.length > 0 && this.pending[0]!.candle.time !== candle.time) await this.flush();
    this.pending.push({ pair, candle });
    if (this.pending.length >= this.deps.market.pairs.length) return this.flush();
    return null;
  }

  /** Scans what is pending (also the last step's candles when a pair had none). */
  async flush(): Promise<ShadowProgress | null> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return null;
    return this.scan(batch);
  }

  close(): Promise<void> {
    return this.strategy.close();
  }

  private async scan(batch: Array<{ pair: Pair; candle: Candle }>): Promise<ShadowProgress> {
    const time = batch[0]!.candle.time;
    // As the engine does at this step: earlier decisions fill at this candle's open and stops trigger
    // inside it before the strategy decides on its close; so the view is refreshed through it first.
    const progress = this.refresh(time);
    const outcomes = await this.strategy.onCandles(batch);
    for (const o of outcomes) {
      if (o.verdict.ok && o.verdict.intent.decision.action !== 'hold') {
        this.deps.decisions.recordDecision(this.id, {
          pair: o.pair,
          candleTime: o.candleTime,
          decision: o.verdict.intent.decision as unknown as Record<string, unknown>,
        });
      }
    }
    this.last = time;
    return progress;
  }

  /** Re-runs the shadow ledger over the window through candle `through`: positions for its scan, trades for the machine. */
  private refresh(through: number): ShadowProgress {
    const m = this.deps.market;
    const { data, start } = windowData(m, this.startedAt, through + 1);
    const config = m.engineConfig(data.pairs);
    const r = shadowRun(data, start, this.deps.decisions.decisions(this.id), config);
    this.view = shadowPositions(r, config.initialCash);
    return { trades: r.trades.filter((t) => !t.openAtEnd).length, lastCandleTime: through, now: this.deps.now() };
  }

  /** Warm-up on the stored candles before the window (or before the last scanned one), then scans those missed. */
  private async warmAndCatchUp(): Promise<ShadowProgress | null> {
    const m = this.deps.market;
    const tf = timeframeMs(m.timeframe);
    const warmEnd = Math.max(this.startedAt, Number.isFinite(this.last) ? this.last + tf : this.startedAt);
    const byTime = (from: number, to: number) => {
      const out = new Map<number, Array<{ pair: Pair; candle: Candle }>>();
      for (const pair of m.pairs)
        for (const candle of m.candles.range(pair, m.timeframe, from, to)) out.set(candle.time, [...(out.get(candle.time) ?? []), { pair, candle }]);
      return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, batch]) => batch);
    };
    // History only: decisions before the window (or already recorded) are not taken again.
    for (const batch of byTime(warmEnd - m.warmupBars * tf, warmEnd)) await this.strategy.onCandles(batch);
    let progress: ShadowProgress | null = Number.isFinite(this.last) ? this.refresh(this.last) : null;
    for (const batch of byTime(warmEnd, this.deps.now())) progress = await this.scan(batch);
    return progress;
  }
}
