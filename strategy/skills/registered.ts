/**
 * The indicators a strategy can REGISTER in `init` (`init(pair, params, indicators)`), as in
 * NautilusTrader's register_indicator_for_bars: the runtime feeds them every closed bar before
 * `onBar`, so the strategy only reads `.value`. Each entry here is a stream from this library plus
 * the bar field it reads; `key` names the series, so equal keys give equal values on the same
 * candles. That is what lets the backtest engine compute a registered series once per dataset and
 * reuse it across runs and candidates (src/backtest/indicators.ts), while the live scan feeds the
 * same `start()` updater bar by bar: one implementation, so both agree bit for bit.
 */
import type { Bar, PriceSource } from '../../src/contract/strategy.ts';
import { adxStream } from './adx.ts';
import { atrStream } from './atr.ts';
import { bollingerStream } from './bollinger.ts';
import { emaStream } from './ema.ts';
import { macdStream } from './macd.ts';
import { rsiStream } from './rsi.ts';
import { smaStream } from './sma.ts';
import type { Stream } from './types.ts';
import { volumeRatioStream } from './volume-ratio.ts';
import { rollingVwapStream } from './vwap.ts';

export const PRICE_SOURCES: readonly PriceSource[] = ['open', 'high', 'low', 'close', 'volume'];

export interface RegisteredIndicator {
  /** Names the series: the same key gives the same values on the same candles. */
  readonly key: string;
  /** A fresh updater: feed every closed candle in order; returns this candle's value (NaN while warming up). */
  start(): (bar: Bar) => number;
  /**
   * One-input indicators only: the candle field and how to run a fresh stream over its column. A
   * backtest feeds the column straight into the stream (the same numbers into the same `next`, so
   * the same values as `start()`), about twice as fast as building a row per candle.
   */
  readonly input?: { readonly source: PriceSource; readonly fill: SeriesFill };
}

/**
 * A fresh stream fed the column's rows [from, end), row r's value written to out[r × stride + slot].
 * Written out once per indicator below, on purpose: V8 inlines a stream's next() only into a loop
 * that meets a single kind of stream, and one loop shared by every kind cost a cold 9-pair year
 * ~30 ms more in the sandbox child.
 */
export type SeriesFill = (column: Float64Array, from: number, out: Float64Array, stride: number, slot: number) => void;

function sourceOf(indicator: string, source: unknown): PriceSource {
  if (typeof source === 'string' && (PRICE_SOURCES as readonly string[]).includes(source)) return source as PriceSource;
  throw new RangeError(`${indicator}: source must be one of ${PRICE_SOURCES.join(', ')}, got ${String(source)}`);
}

/**
 * An updater factory over a stream: each call starts a fresh stream and feeds it the candle's
 * `field`, or the whole candle. Run once here as well, so a bad argument throws at registration.
 */
function fed<Out>(stream: () => Stream<number, Out>, field: PriceSource): () => (bar: Bar) => Out;
function fed<Out>(stream: () => Stream<Bar, Out>): () => (bar: Bar) => Out;
function fed<Out>(stream: () => Stream<never, Out>, field?: PriceSource): () => (bar: Bar) => Out {
  const make = (): ((bar: Bar) => Out) => {
    const s = stream() as Stream<number | Bar, Out>;
    return field === undefined ? (bar) => s.next(bar) : (bar) => s.next(bar[field]);
  };
  make();
  return make;
}

/** A one-input stream over a candle field. */
function onSource(name: string, args: readonly number[], source: unknown, stream: () => Stream<number, number>, fill: SeriesFill): RegisteredIndicator {
  const field = sourceOf(name, source);
  return { key: `${name}(${args.join(',')}):${field}`, start: fed(stream, field), input: { source: field, fill } };
}

/** The named outputs of a stream whose output is an object (each output is its own series). */
function outputs<Out, K extends keyof Out & string>(key: string, keys: readonly K[], make: () => (bar: Bar) => Out): { readonly [P in K]: RegisteredIndicator } {
  const out = {} as Record<K, RegisteredIndicator>;
  for (const k of keys) {
    out[k] = {
      key: key.replace('{}', k),
      start() {
        const next = make();
        return (bar) => next(bar)[k] as number;
      },
    };
  }
  return out;
}

type MacdOutputs = { readonly macd: RegisteredIndicator; readonly signal: RegisteredIndicator; readonly hist: RegisteredIndicator };
type BollingerOutputs = { readonly upper: RegisteredIndicator; readonly middle: RegisteredIndicator; readonly lower: RegisteredIndicator };
type AdxOutputs = { readonly adx: RegisteredIndicator; readonly plusDI: RegisteredIndicator; readonly minusDI: RegisteredIndicator };

/**
 * What `init`'s `indicators` argument offers, with the same defaults as the streams. Arguments are
 * checked here, so a bad period fails at registration with the stream's own message.
 */
export const REGISTERED = {
  ema: (period: number, source: PriceSource = 'close') =>
    onSource('ema', [period], source, () => emaStream(period), (column, from, out, stride, slot) => {
      const s = emaStream(period);
      for (let r = from, o = from * stride + slot; r < column.length; r++, o += stride) out[o] = s.next(column[r]!);
    }),
  sma: (period: number, source: PriceSource = 'close') =>
    onSource('sma', [period], source, () => smaStream(period), (column, from, out, stride, slot) => {
      const s = smaStream(period);
      for (let r = from, o = from * stride + slot; r < column.length; r++, o += stride) out[o] = s.next(column[r]!);
    }),
  rsi: (period = 14, source: PriceSource = 'close') =>
    onSource('rsi', [period], source, () => rsiStream(period), (column, from, out, stride, slot) => {
      const s = rsiStream(period);
      for (let r = from, o = from * stride + slot; r < column.length; r++, o += stride) out[o] = s.next(column[r]!);
    }),
  volumeRatio: (period = 20) =>
    onSource('volumeRatio', [period], 'volume', () => volumeRatioStream(period), (column, from, out, stride, slot) => {
      const s = volumeRatioStream(period);
      for (let r = from, o = from * stride + slot; r < column.length; r++, o += stride) out[o] = s.next(column[r]!);
    }),
  atr: (period = 14): RegisteredIndicator => ({ key: `atr(${period})`, start: fed(() => atrStream(period)) }),
  rollingVwap: (period: number): RegisteredIndicator => ({ key: `rollingVwap(${period})`, start: fed(() => rollingVwapStream(period)) }),
  macd(fast = 12, slow = 26, signal = 9, source: PriceSource = 'close'): MacdOutputs {
    const field = sourceOf('macd', source);
    return outputs(`macd(${fast},${slow},${signal}).{}:${field}`, ['macd', 'signal', 'hist'], fed(() => macdStream(fast, slow, signal), field));
  },
  bollinger(period = 20, stdDevs = 2, source: PriceSource = 'close'): BollingerOutputs {
    const field = sourceOf('bollinger', source);
    return outputs(`bollinger(${period},${stdDevs}).{}:${field}`, ['upper', 'middle', 'lower'], fed(() => bollingerStream(period, stdDevs), field));
  },
  adx: (period = 14): AdxOutputs => outputs(`adx(${period}).{}`, ['adx', 'plusDI', 'minusDI'], fed(() => adxStream(period))),
} as const;
