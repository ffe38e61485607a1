/**
 * The interface an evolvable strategy module exports (strategy/active/strategy.ts).
 * The module runs only inside the sandbox; this file is also the API declaration the static
 * type check compiles candidates against, so it imports nothing at run time but zod schemas
 * used by the host to validate the module's metadata.
 *
 * No look-ahead by construction (DESIGN inv. 2): `onBar` receives the just-closed candle and a
 * history view that ends at that candle; the driver never exposes a later bar.
 */
import { z } from 'zod';
import type { CandleColumns, FeeRates, PairRules } from './candle.ts';
import type { DecisionInput } from './intent.ts';
import type { Pair } from './pairs.ts';

export const ParamSpecSchema = z
  .strictObject({
    default: z.number().finite(),
    min: z.number().finite(),
    max: z.number().finite(),
    /** Integer parameters are rounded after jitter/search. */
    integer: z.boolean().default(false),
    description: z.string().max(200).default(''),
  })
  .refine((p) => p.min <= p.default && p.default <= p.max, { message: 'need min <= default <= max' });
export type ParamSpec = z.infer<typeof ParamSpecSchema>;
export type ParamSpecInput = z.input<typeof ParamSpecSchema>;
export type Params = Record<string, number>;

export const StrategyMetaSchema = z.strictObject({
  name: z.string().min(1).max(60),
  version: z.string().min(1).max(40),
  description: z.string().max(2000).default(''),
  params: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/), ParamSpecSchema),
  /** Closed candles needed before decisions are meaningful; the host warms up with this many. */
  warmup: z.number().int().min(0).max(5000),
});
export type StrategyMeta = z.infer<typeof StrategyMetaSchema>;

/** The strategy's read-only view of its open position on this pair (null when flat). */
export interface PositionView {
  readonly quantity: number;
  readonly entryPrice: number;
  readonly entryTime: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
}

/** Everything a strategy sees on one bar of one pair. Plain data, frozen by the runner. */
export interface BarContext {
  readonly pair: Pair;
  /** Index of the just-closed candle in `history`, i.e. history length - 1. */
  readonly index: number;
  /** Closed candles up to and including this bar (subarray views; never a later bar). */
  readonly history: CandleColumns;
  readonly position: PositionView | null;
  readonly params: Readonly<Params>;
  readonly fees: FeeRates;
  readonly rules: PairRules;
  /** Account equity in USD at the previous close, for information only (risk sizes orders). */
  readonly equity: number;
}

/** One closed candle passed to `onBar` (also present as the last row of `ctx.history`). */
export interface Bar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A registered indicator's value at the just-closed candle; NaN while it warms up. */
export interface Reading {
  readonly value: number;
}

/** The candle field a one-input indicator reads. */
export type PriceSource = 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * Indicators the runtime keeps for the strategy (NautilusTrader's registered indicators). Call these
 * in `init` only; each returns a Reading whose `value` the runtime updates with every closed candle
 * BEFORE `onBar`, in backtest and live alike. Same numbers as the skills' streams (same code), but
 * a backtest computes each series once per dataset and reuses it across runs and candidates, which
 * makes registered indicators several times faster than streams fed in `onBar`. Defaults and
 * minimum periods are the streams' (strategy/skills/README.md); a bad argument throws here.
 */
export interface IndicatorRegistry {
  ema(period: number, source?: PriceSource): Reading;
  sma(period: number, source?: PriceSource): Reading;
  rsi(period?: number, source?: PriceSource): Reading;
  /** This candle's volume over the mean volume of the `period` candles before it. */
  volumeRatio(period?: number): Reading;
  atr(period?: number): Reading;
  rollingVwap(period: number): Reading;
  macd(fast?: number, slow?: number, signal?: number, source?: PriceSource): { readonly macd: Reading; readonly signal: Reading; readonly hist: Reading };
  bollinger(period?: number, stdDevs?: number, source?: PriceSource): { readonly upper: Reading; readonly middle: Reading; readonly lower: Reading };
  adx(period?: number): { readonly adx: Reading; readonly plusDI: Reading; readonly minusDI: Reading };
}

/**
 * A strategy: metadata plus a per-pair state machine. `init` returns fresh per-pair state (and may
 * register indicators); `onBar` may mutate that state and returns a decision. Must be
 * deterministic: no clock, no randomness, no I/O (the static gates enforce it).
 */
export interface StrategyModule<State = unknown> {
  readonly meta: StrategyMeta;
  init(pair: Pair, params: Readonly<Params>, indicators: IndicatorRegistry): State;
  onBar(state: State, bar: Bar, ctx: BarContext): DecisionInput;
}
