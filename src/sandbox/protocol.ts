/**
 * Messages between the host and the Deno child. Both ways: a JSON header plus an optional Float64Array
 * payload (candle columns host→child, never candle objects; intents columns child→host while a
 * backtest streams its claim). The host parses every child header with zod and checks every payload value.
 * Pure types: imported by both sides (the child bundle must not pull in node:*).
 */
import type { FeeRates, PairRules } from '../contract/candle.ts';
import type { Row } from '../contract/analysis.ts';
import type { Pair } from '../contract/pairs.ts';
import type { Params, PositionView } from '../contract/strategy.ts';

export interface PairSetup {
  readonly pair: Pair;
  readonly params: Params;
  readonly fees: FeeRates;
  readonly rules: PairRules;
}

/** One pair's new closed candles in a `bars` frame; its payload slice is t,o,h,l,c,v columns of length n. */
export interface BarsItem {
  readonly pair: Pair;
  readonly n: number;
  /** The host's position: shown to the strategy on bars at or after `entryTime` (replays too). */
  readonly position: PositionView | null;
  readonly equity: number;
  /** Return the decision for the last bar (false during warm-up replay). */
  readonly decide: boolean;
}

export type HostRequest =
  | { readonly kind: 'init'; readonly pairs: readonly PairSetup[]; readonly historyCap: number }
  | { readonly kind: 'bars'; readonly items: readonly BarsItem[] }
  | { readonly kind: 'loadDataset'; readonly id: string; readonly pairs: readonly Pair[]; readonly nSteps: number }
  /** Dataset `id` = the first `nSteps` steps of the loaded dataset `of` (a look-ahead cut), no payload: views of its arrays. */
  | { readonly kind: 'viewDataset'; readonly id: string; readonly of: string; readonly nSteps: number }
  /** Drops a dataset and every view of it. */
  | { readonly kind: 'dropDataset'; readonly id: string }
  | { readonly kind: 'backtest'; readonly datasetId: string; readonly params: Params; readonly engineConfig: unknown }
  | { readonly kind: 'analyze'; readonly results: Readonly<Record<string, readonly Row[]>> };

export const CANDLE_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
/** Dataset payload: the shared time grid, then per pair these five columns. */
export const DATASET_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * A `progress` frame, zero or more per `backtest` request before its reply: the intents at steps <
 * throughStep not sent before, as a payload of these columns (each `rows` long, NaN = no SL/TP).
 */
export interface BacktestProgress {
  readonly kind: 'progress';
  readonly throughStep: number;
  readonly rows: number;
}
export const INTENT_COLUMNS = ['step', 'pairIndex', 'action', 'sizeFraction', 'stopLoss', 'takeProfit', 'outcome'] as const;
