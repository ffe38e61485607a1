/**
 * Types of the backtest engine (src/backtest/engine.ts) and its contract with the sandbox driver
 * (src/sandbox/backtest.ts). Imports nothing but types and BrainError, so the engine bundles into the
 * Deno child without zod: the config builder, which needs the risk limits' zod defaults, is engine-config.ts.
 */
import type { Bar, BarContext, CandleColumns, DecisionInput, ExitReason, FeeRates, Fill, Pair, PairRules, Params, RiskLimits } from '../contract/index.ts';
import type { PairIndicators } from './indicators.ts';
import type { ClosedTrade } from './metrics-types.ts';
import { BrainError } from '../contract/errors.ts';

/** Candles of several pairs on one time grid: `columns[p]` has `time.length` rows, NaN where pair p has no candle. */
export interface MarketData {
  readonly pairs: readonly Pair[];
  readonly time: Float64Array;
  readonly columns: readonly CandleColumns[];
}

/**
 * The strategy as the engine sees it: called once per closed candle per pair, in (step, pair) order,
 * with the strategy's BarContext and the just-closed candle (history's last row) as a fresh object.
 */
export interface DecideFn {
  (pairIndex: number, step: number, ctx: BarContext, bar: Bar): DecisionInput;
  /** false: never reads `bar`, so the engine does not build it (a shared placeholder comes instead). The host replay's. */
  readonly readsBar?: boolean;
  /**
   * The first step >= `step` at which this decider may return anything but hold (Infinity: never).
   * Given, the engine calls it only at those steps and skips stretches where nothing is held or
   * queued in one pass; so a decider with it must not read ctx at all. The host replay's: it knows
   * its log, and a year replay then costs the steps where something happens, not every candle.
   */
  readonly nextStep?: (step: number) => number;
  /** Per pair, the indicators the strategy registered in init; the engine binds their series and rows. */
  readonly indicators?: readonly PairIndicators[];
}

export interface EngineConfig {
  readonly initialCash: number;
  /** Adverse price move per market fill, as a fraction of the reference price. */
  readonly slippage: number;
  readonly limits: RiskLimits;
  readonly params: Params;
  /** Per pair, aligned with `MarketData.pairs`. */
  readonly fees: readonly FeeRates[];
  readonly rules: readonly PairRules[];
  /** Trading window in steps [start, end); candles before `start` are history only. Default: all. */
  readonly start?: number;
  readonly end?: number;
  /**
   * Steps before `start` on which `decide` is still called (decisions discarded) so stateful
   * strategies warm up. Default: every step before `start`.
   */
  readonly warmupSteps?: number;
}

export const INTENT_ACTION_CODES = { buy: 1, sell: 2, close: 3 } as const;
export const INTENT_ACTIONS_BY_CODE = ['hold', 'buy', 'sell', 'close'] as const;

/**
 * Non-hold decisions as typed columns (the child → host payload). `outcome` is 0 for an accepted
 * intent, else 1 + the index of the reason in REJECT_REASONS (src/trading/risk.ts).
 * stopLoss / takeProfit are NaN when absent.
 */
export interface IntentsLog {
  readonly length: number;
  readonly step: Int32Array;
  readonly pairIndex: Int32Array;
  readonly action: Uint8Array;
  readonly sizeFraction: Float64Array;
  readonly stopLoss: Float64Array;
  readonly takeProfit: Float64Array;
  readonly outcome: Uint8Array;
}

export type FillReason = 'entry' | ExitReason;

export interface EngineFill extends Fill {
  readonly step: number;
  readonly pairIndex: number;
  readonly reason: FillReason;
  /** Price the fill was measured against (next open, stop or target level, last close). */
  readonly refPrice: number;
  readonly slippageCost: number;
}

export interface BacktestTrade extends ClosedTrade {
  readonly pairIndex: number;
  readonly entryStep: number;
  readonly exitStep: number;
}

export interface EngineSummary {
  readonly initialCash: number;
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly trades: number;
  readonly wins: number;
  /** Trades force-closed at the end of the data (also in `trades`, flagged openAtEnd). */
  readonly openAtEnd: number;
  readonly fees: number;
  readonly slippage: number;
  readonly fills: number;
  readonly intents: number;
  readonly rejectedIntents: number;
  /** Accepted orders the venue could not fill (cash short after a gap, minimums after shrinking). */
  readonly unfilledOrders: number;
  readonly steps: number;
}

export interface EngineResult {
  readonly trades: readonly BacktestTrade[];
  readonly fills: readonly EngineFill[];
  /** Marked-to-market equity at each step's closes over [start, end); the last point is after the end-of-data exits. */
  readonly equity: { readonly time: Float64Array; readonly value: Float64Array };
  readonly intents: IntentsLog;
  readonly summary: EngineSummary;
}

/** Intents reported while a run goes: the sandbox child streams its claim so the host replays alongside. */
export interface EngineProgress {
  /** Steps between reports (the last report comes after the last step). */
  readonly every: number;
  /** `rows`: the intents at steps < throughStep not reported before; all of them are final. */
  report(throughStep: number, rows: IntentsLog): void;
}

/**
 * A run its caller drives: advance() through the steps (in as many calls as it likes), then
 * finish(); release() in every case, finished or abandoned (it returns pooled buffers). The host
 * replays a streamed claim this way, chunk by chunk, while the child is still computing the rest.
 */
export interface EngineStepper {
  /** One past the last step. */
  readonly end: number;
  /** The next step to run; every intent at an earlier step is final. */
  readonly next: number;
  readonly intentCount: number;
  /** Runs the steps [next, min(until, end)). */
  advance(until: number): void;
  /** Intents log rows [from, intentCount). */
  intentsFrom(from: number): IntentsLog;
  /** Closes what is open at the end and returns the result; call once `next === end`. */
  finish(): EngineResult;
  release(): void;
}

export type EngineErrorCode = 'invalid_data' | 'invalid_config' | 'invalid_decision' | 'indicator_after_init';

export class EngineError extends BrainError<EngineErrorCode> {
  override readonly name = 'EngineError';
  constructor(code: EngineErrorCode, message: string) {
    super(message, { domain: 'backtest', code, retryable: false });
  }
}
