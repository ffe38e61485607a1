/**
 * Evaluator canaries (DESIGN inv. 2): the judge is tested before it judges. On the same data and
 * costs as the candidate's backtest:
 * - buy-and-hold reproduces the market change, off only by the costs we charge;
 * - random entries lose about fees + slippage per trade (no edge, costs only);
 * - a strategy that peeks at the next candle is flagged by the look-ahead check.
 * Each canary runs with its own loose limits: it tests the evaluator, not the risk rules.
 */
import { RiskLimitsSchema, type DecisionInput } from '../../contract/index.ts';
import { runEngine } from '../engine.ts';
import type { DecideFn, EngineConfig, MarketData } from '../engine-types.ts';
import { deciderRunner, type DeciderFactory } from '../runners.ts';
import { lookAheadCheck, type LookAheadResult } from './look-ahead.ts';
import { mulberry32 } from '../../sim/rng.ts';

const HOLD: DecisionInput = { action: 'hold' };
const CLOSE: DecisionInput = { action: 'close' };

/** The run's costs and rules over the whole data, with limits that never bind. */
function canaryConfig(config: EngineConfig, pairs: number): EngineConfig {
  const limits = RiskLimitsSchema.parse({
    maxPositionFraction: 1, maxPairExposureFraction: 1, maxTotalExposureFraction: 1, maxOpenPositions: Math.max(1, pairs),
    minOrderUsd: 0, dailyLossFraction: 1, maxDrawdownFraction: 1, reducingDrawdownFraction: 1, maxConsecutiveLosses: 100, resume: 'auto',
  });
  return { ...config, limits, start: 0, end: undefined, warmupSteps: 0 };
}

export interface BuyAndHoldCanary {
  readonly passed: boolean;
  /** Freqtrade's market change: mean over pairs of last close / first close − 1. */
  readonly marketChange: number;
  /** The same buy-and-hold computed by hand from the candles and the configured costs. */
  readonly expected: number;
  readonly actual: number;
}

// Invested share: 1 % stays in cash so the cash reserve for fees never trims the last pair.
const INVESTED = 0.99;

export function buyAndHoldCanary(data: MarketData, config: EngineConfig): BuyAndHoldCanary {
  const n = data.pairs.length;
  const bought = new Uint8Array(n);
  const decide: DecideFn = (p) => {
    if (bought[p]) return HOLD;
    bought[p] = 1;
    return { action: 'buy', sizeFraction: INVESTED / n };
  };
  const cfg = canaryConfig(config, n);
  const r = runEngine(cfg, data, decide);
  let growth = 0;
  let change = 0;
  data.columns.forEach((c, p) => {
    const closes = c.close.filter((x) => !Number.isNaN(x));
    const opens = c.open.filter((x) => !Number.isNaN(x));
    const fee = cfg.fees[p]!.taker;
    growth += ((closes.at(-1)! * (1 - cfg.slippage)) / (opens[1]! * (1 + cfg.slippage))) * ((1 - fee) / (1 + fee));
    change += closes.at(-1)! / closes[0]! - 1;
  });
  const expected = (INVESTED * growth) / n + (1 - INVESTED) - 1;
  const marketChange = change / n;
  const actual = r.summary.totalReturn;
  // Tick/lot rounding and sizing on the first close (not the entry open) are the only differences.
  const passed = Math.abs(actual - expected) <= 2e-3 && Math.abs(actual - INVESTED * marketChange) <= 0.02 + Math.abs(expected - INVESTED * marketChange);
  return { passed, marketChange, expected, actual };
}

export interface RandomEntriesCanary {
  readonly passed: boolean;
  readonly trades: number;
  /** Mean net return per trade (fraction of the entry notional). */
  readonly meanTradeReturn: number;
  /** Round-trip cost the engine should charge: 2 × (taker + slippage), averaged over pairs. */
  readonly expectedCost: number;
  readonly standardError: number;
}

/** Enters at random (seeded) and exits after a random 1–12 candles: no edge, so it should lose ≈ the costs. */
export function randomEntriesCanary(data: MarketData, config: EngineConfig, seed = 7): RandomEntriesCanary {
  const n = data.pairs.length;
  const rnd = mulberry32(seed);
  const exitAt = new Int32Array(n);
  const decide: DecideFn = (p, s, ctx) => {
    if (ctx.position) return s >= exitAt[p]! ? CLOSE : HOLD;
    if (rnd() >= 0.05) return HOLD;
    exitAt[p] = s + 1 + Math.floor(rnd() * 12);
    return { action: 'buy', sizeFraction: 0.5 / n };
  };
  const cfg = canaryConfig(config, n);
  const r = runEngine(cfg, data, decide);
  const rets = r.trades.map((t) => t.pnl / (t.entryPrice * t.quantity));
  const mean = rets.reduce((a, x) => a + x, 0) / Math.max(1, rets.length);
  const sd = Math.sqrt(rets.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, rets.length - 1));
  const se = sd / Math.sqrt(Math.max(1, rets.length));
  const expectedCost = cfg.fees.reduce((a, f) => a + 2 * (f.taker + cfg.slippage), 0) / n;
  const passed = rets.length >= 30 && Math.abs(mean + expectedCost) <= 0.25 * expectedCost + 3 * se;
  return { passed, trades: rets.length, meanTradeReturn: mean, expectedCost, standardError: se };
}

/**
 * A deliberately broken strategy: it reads the NEXT close from a series precomputed over the whole
 * run's data (the classic look-ahead bug, e.g. a shifted or centred indicator) and buys before
 * rises. The engine cannot hide that from code handed the data, so the look-ahead check must flag it.
 */
export const peekingDecider: DeciderFactory = (_params, data) => (p, s, ctx, bar) => {
  const next = data.columns[p]!.close[s + 1];
  if (next === undefined) return ctx.position ? CLOSE : HOLD;
  if (next > bar.close) return ctx.position ? HOLD : { action: 'buy', sizeFraction: 0.1 };
  return ctx.position ? CLOSE : HOLD;
};

export interface LookAheadCanary {
  /** True when the peeking strategy was flagged (the evaluator works). */
  readonly passed: boolean;
  readonly result: LookAheadResult;
}

export async function lookAheadCanary(data: MarketData, config: EngineConfig): Promise<LookAheadCanary> {
  const result = await lookAheadCheck(data, canaryConfig(config, data.pairs.length), deciderRunner(peekingDecider, 'canary:peeking'), { cuts: 3 });
  return { passed: !result.passed, result };
}

export interface CanaryReport {
  readonly passed: boolean;
  readonly buyAndHold: BuyAndHoldCanary;
  readonly randomEntries: RandomEntriesCanary;
  readonly lookAhead: LookAheadCanary;
}

/**
 * Reports per dataset and cost model. The canaries judge the evaluator on these candles with these
 * costs and nothing of the candidate (canaryConfig replaces its limits, window and warm-up; no canary
 * reads params), yet they cost more than the rest of a candidate's gates together (~2.9 s of ~5.4 s
 * on the 9-pair year): the evolver gates hundreds of candidates over the same MarketData object, so
 * each dataset and cost model is judged once. MarketData is never mutated (prepareMarket keys on it too).
 */
const judged = new WeakMap<MarketData, Map<string, Promise<CanaryReport>>>();

function costModelKey(config: EngineConfig, seed: number): string {
  return JSON.stringify([config.initialCash, config.slippage, config.fees, config.rules, seed]);
}

/**
 * All three canaries: run them with every backtest invocation set; a failure means the judge is broken.
 * Computed once per dataset and cost model (see `judged`); the same report object comes back after that.
 */
export function runCanaries(data: MarketData, config: EngineConfig, seed = 7): Promise<CanaryReport> {
  const byCost = judged.get(data) ?? new Map<string, Promise<CanaryReport>>();
  judged.set(data, byCost);
  const key = costModelKey(config, seed);
  let report = byCost.get(key);
  if (!report) {
    report = judgeEvaluator(data, config, seed);
    byCost.set(key, report);
    report.catch(() => byCost.delete(key));
  }
  return report;
}

async function judgeEvaluator(data: MarketData, config: EngineConfig, seed: number): Promise<CanaryReport> {
  const buyAndHold = buyAndHoldCanary(data, config);
  const randomEntries = randomEntriesCanary(data, config, seed);
  const lookAhead = await lookAheadCanary(data, config);
  return { passed: buyAndHold.passed && randomEntries.passed && lookAhead.passed, buyAndHold, randomEntries, lookAhead };
}
