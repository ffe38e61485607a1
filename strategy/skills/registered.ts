/**
 * The indicators a strategy can REGISTER in `init` (`init(pair, params, indicators)`), as in
 * NautilusTrader's register_indicator_for_bars: the runtime feeds them every closed bar before
 * `onBar`, so the strategy only reads `.value`. Each entry here is a stream from this library plus
 * the bar field it reads; `key` names the series, so equal keys give equal values on the same
 * candles. That is what lets the backtest engine compute a registered series once per dataset and
 * reuse it across runs and candidates (src/backtest/indicators.ts), while the live scan feeds the
 * same `start()` updater bar by bar: one implementation, so both agree bit for bit.
 */
import { adxStream } from './adx.ts';
import { atrStream } from './atr.ts';
import { bollingerStream } from './bollinger.ts';
import { emaStream } from './ema.ts';
import { macdStream } from './macd.ts';
import { rsiStream } from './rsi.ts';
import { smaStream } from './sma.ts';
import type { Stream, TimedHLCV } from './types.ts';
import { volumeRatioStream } from './volume-ratio.ts';
import { rollingVwapStream } from './vwap.ts';

/** A closed candle as the updaters read it (the contract's Bar). */
export interface CandleRow extends TimedHLCV {
  readonly open: number;
}

export const PRICE_SOURCES = ['open', 'high', 'low', 'close', 'volume'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

export interface RegisteredIndicator {
  /** Names the series: the same key gives the same values on the same candles. */
  readonly key: string;
  /** A fresh updater: feed every closed candle in order; returns this candle's value (NaN while warming up). */
  start(): (bar: CandleRow) => number;
  /**
   * One-input indicators only: the candle field and a fresh stream over it. A backtest feeds the
   * column straight into the stream (the same numbers into the same `next`, so the same values as
   * `start()`), about twice as fast as building a row per candle.
   */
  readonly input?: { readonly source: PriceSource; stream(): Stream<number, number> };
}

const PICK: Readonly<Record<PriceSource, (bar: CandleRow) => number>> = {
  open: (b) => b.open,
  high: (b) => b.high,
  low: (b) => b.low,
  close: (b) => b.close,
  volume: (b) => b.volume,
};

function sourceOf(indicator: string, source: unknown): PriceSource {
  if (typeof source === 'string' && (PRICE_SOURCES as readonly string[]).includes(source)) return source as PriceSource;
  throw new RangeError(`${indicator}: source must be one of ${PRICE_SOURCES.join(', ')}, got ${String(source)}`);
}

/** `make` builds a fresh bar updater; it runs once here too, so a bad argument throws at registration. */
function registered(key: string, make: () => (bar: CandleRow) => number): RegisteredIndicator {
  make();
  return { key, start: make };
}

/** A one-input stream over a bar field. */
function onSource(name: string, args: readonly number[], source: unknown, stream: () => Stream<number, number>): RegisteredIndicator {
  const field = sourceOf(name, source);
  const pick = PICK[field];
  const ind = registered(`${name}(${args.join(',')}):${field}`, () => {
    const s = stream();
    return (bar) => s.next(pick(bar));
  });
  return { ...ind, input: { source: field, stream } };
}

/** A stream over whole candles. */
function barStream(key: string, stream: () => Stream<CandleRow, number>): RegisteredIndicator {
  return registered(key, () => {
    const s = stream();
    return (bar) => s.next(bar);
  });
}

/** The named outputs of a stream whose output is an object (each output is its own series). */
function outputs<Out, K extends keyof Out & string>(key: string, keys: readonly K[], make: () => (bar: CandleRow) => Out): { readonly [P in K]: RegisteredIndicator } {
  make();
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

export type MacdOutputs = { readonly macd: RegisteredIndicator; readonly signal: RegisteredIndicator; readonly hist: RegisteredIndicator };
export type BollingerOutputs = { readonly upper: RegisteredIndicator; readonly middle: RegisteredIndicator; readonly lower: RegisteredIndicator };
export type AdxOutputs = { readonly adx: RegisteredIndicator; readonly plusDI: RegisteredIndicator; readonly minusDI: RegisteredIndicator };

/**
 * What `init`'s `indicators` argument offers, with the same defaults as the streams. Arguments are
 * checked here, so a bad period fails at registration with the stream's own message.
 */
export const REGISTERED = {
  ema: (period: number, source: PriceSource = 'close') => onSource('ema', [period], source, () => emaStream(period)),
  sma: (period: number, source: PriceSource = 'close') => onSource('sma', [period], source, () => smaStream(period)),
  rsi: (period = 14, source: PriceSource = 'close') => onSource('rsi', [period], source, () => rsiStream(period)),
  volumeRatio: (period = 20) => onSource('volumeRatio', [period], 'volume', () => volumeRatioStream(period)),
  atr: (period = 14) => barStream(`atr(${period})`, () => atrStream(period)),
  rollingVwap: (period: number) => barStream(`rollingVwap(${period})`, () => rollingVwapStream(period)),
  macd(fast = 12, slow = 26, signal = 9, source: PriceSource = 'close'): MacdOutputs {
    const pick = PICK[sourceOf('macd', source)];
    return outputs(`macd(${fast},${slow},${signal}).{}:${source}`, ['macd', 'signal', 'hist'], () => {
      const s = macdStream(fast, slow, signal);
      return (bar: CandleRow) => s.next(pick(bar));
    });
  },
  bollinger(period = 20, stdDevs = 2, source: PriceSource = 'close'): BollingerOutputs {
    const pick = PICK[sourceOf('bollinger', source)];
    return outputs(`bollinger(${period},${stdDevs}).{}:${source}`, ['upper', 'middle', 'lower'], () => {
      const s = bollingerStream(period, stdDevs);
      return (bar: CandleRow) => s.next(pick(bar));
    });
  },
  adx: (period = 14): AdxOutputs => outputs(`adx(${period}).{}`, ['adx', 'plusDI', 'minusDI'], () => {
    const s = adxStream(period);
    return (bar: CandleRow) => s.next(bar);
  }),
} as const;

export type RegisteredCatalogue = typeof REGISTERED;
