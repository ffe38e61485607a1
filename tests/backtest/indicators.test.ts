import { describe, expect, it } from 'vitest';
import type { Bar, BarContext, IndicatorRegistry, Pair, Params, Reading, StrategyModule } from '../../src/contract/index.ts';
import { runEngine, type MarketData } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { forgetSeries, prepareMarket, seriesCacheOf } from '../../src/backtest/prepared-market.ts';
import { PairIndicators } from '../../src/backtest/indicators.ts';
import { SeriesCache, type SeriesLease } from '../../src/backtest/series-cache.ts';
import type { RegisteredIndicator } from '../../strategy/skills/registered.ts';
import { moduleDecider } from '../../src/backtest/strategy-decider.ts';
import { ScanState } from '../../src/sandbox/child/scan.ts';
import {
  adxStream,
  atrStream,
  bollingerStream,
  emaStream,
  macdStream,
  rollingVwapStream,
  rsiStream,
  smaStream,
  volumeRatioStream,
} from '../../strategy/skills/index.ts';
import v001 from '../../strategy/active/strategy.ts';
import { loadShared } from './engine-fixtures.ts';

const HOLD = { action: 'hold' } as const;

/** Every registered kind next to the stream it stands for, fed by hand; one row of both per bar. */
interface Probe {
  readings: Reading[];
  streams: Array<(bar: Bar) => number>;
}

function probeReadings(ind: IndicatorRegistry): Reading[] {
  const m = ind.macd(6, 13, 4);
  const b = ind.bollinger(10, 1.5, 'low');
  const a = ind.adx(7);
  return [
    ind.ema(9),
    ind.sma(20, 'high'),
    ind.rsi(14),
    ind.rsi(5, 'open'),
    ind.volumeRatio(20),
    ind.atr(14),
    ind.rollingVwap(12),
    m.macd,
    m.signal,
    m.hist,
    b.upper,
    b.middle,
    b.lower,
    a.adx,
    a.plusDI,
    a.minusDI,
  ];
}

function probeStreams(): Array<(bar: Bar) => number> {
  const e = emaStream(9),
    s = smaStream(20),
    r = rsiStream(14),
    r5 = rsiStream(5),
    v = volumeRatioStream(20),
    at = atrStream(14),
    vw = rollingVwapStream(12);
  const m = macdStream(6, 13, 4),
    b = bollingerStream(10, 1.5),
    a = adxStream(7);
  let mv = m.value,
    bv = b.value,
    av = a.value;
  return [
    (x) => e.next(x.close),
    (x) => s.next(x.high),
    (x) => r.next(x.close),
    (x) => r5.next(x.open),
    (x) => v.next(x.volume),
    (x) => at.next(x),
    (x) => vw.next(x),
    (x) => (mv = m.next(x.close)).macd,
    () => mv.signal,
    () => mv.hist,
    (x) => (bv = b.next(x.low)).upper,
    () => bv.middle,
    () => bv.lower,
    (x) => (av = a.next(x)).adx,
    () => av.plusDI,
    () => av.minusDI,
  ];
}

/** A strategy that records, per pair, the readings and the hand-fed streams on every bar. */
function recorder(log: Map<Pair, { readings: number[][]; streams: number[][] }>): StrategyModule<Probe> {
  return {
    meta: { name: 'probe', version: 't', description: '', warmup: 0, params: {} },
    init(pair: Pair, _p: Readonly<Params>, ind: IndicatorRegistry): Probe {
      log.set(pair, { readings: [], streams: [] });
      return { readings: probeReadings(ind), streams: probeStreams() };
    },
    onBar(s: Probe, bar: Bar, ctx: BarContext) {
      const rows = log.get(ctx.pair)!;
      rows.readings.push(s.readings.map((r) => r.value));
      rows.streams.push(s.streams.map((f) => f(bar)));
      return HOLD;
    },
  };
}

function scanAll(mod: StrategyModule, data: MarketData): void {
  const scan = new ScanState(
    mod,
    data.pairs.map((pair) => ({
      pair,
      params: {},
      fees: { maker: 0.0025, taker: 0.004 },
      rules: { pair, tickSize: 0.01, priceDecimals: 2, lotDecimals: 8, orderMin: 0.0001, costMin: 0.5 },
    })),
    256,
  );
  data.pairs.forEach((pair, p) => {
    const c = data.columns[p]!;
    for (let i = 0; i < data.time.length; i++) {
      if (Number.isNaN(c.open[i]!)) continue;
      scan.feed(
        [{ pair, n: 1, position: null, equity: 10_000, decide: true }],
        Float64Array.of(c.time[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!),
      );
    }
  });
}

describe('registered indicators', () => {
  const data = loadShared(['BTC/USD', 'DOGE/USD']);

  it('read exactly what the skills streams give, bar by bar, in a backtest and in the live scan', () => {
    const inEngine = new Map<Pair, { readings: number[][]; streams: number[][] }>();
    runEngine(engineConfig(data.pairs), data, moduleDecider(recorder(inEngine), data.pairs, {}));
    const inScan = new Map<Pair, { readings: number[][]; streams: number[][] }>();
    scanAll(recorder(inScan), data);
    for (const pair of data.pairs) {
      const e = inEngine.get(pair)!;
      expect(e.readings.length).toBeGreaterThan(20_000);
      // toEqual compares numbers with Object.is: NaN warm-ups must line up too.
      expect(e.readings).toEqual(e.streams);
      expect(inScan.get(pair)!.readings).toEqual(e.readings);
      expect(e.readings.at(-1)!.every(Number.isFinite)).toBe(true);
    }
  });

  it('v001 on readings decides exactly as v001 on hand-fed streams', () => {
    const wrapped: StrategyModule<{
      fast: { value: number };
      slow: { value: number };
      rsi: { value: number };
      volume: { value: number };
      prevDiff: number;
      feed: (bar: Bar) => void;
    }> = {
      meta: v001.meta,
      init(_pair, p) {
        const [f, s, r, v] = [
          emaStream(Math.round(p.emaFast ?? 9)),
          emaStream(Math.round(p.emaSlow ?? 21)),
          rsiStream(Math.round(p.rsiPeriod ?? 14)),
          volumeRatioStream(20),
        ];
        const st = {
          fast: { value: NaN },
          slow: { value: NaN },
          rsi: { value: NaN },
          volume: { value: NaN },
          prevDiff: NaN,
          feed: (bar: Bar) => {
            st.fast.value = f.next(bar.close);
            st.slow.value = s.next(bar.close);
            st.rsi.value = r.next(bar.close);
            st.volume.value = v.next(bar.volume);
          },
        };
        return st;
      },
      onBar(st, bar, ctx) {
        st.feed(bar);
        return (v001 as StrategyModule<typeof st>).onBar(st, bar, ctx);
      },
    };
    const three = loadShared(['ETH/USD', 'SOL/USD', 'XRP/USD']);
    for (const params of [{}, { emaFast: 5, emaSlow: 30, rsiPeriod: 9 }] as Params[]) {
      const cfg = { ...engineConfig(three.pairs), params };
      const a = runEngine(cfg, three, moduleDecider(v001, three.pairs, params));
      const b = runEngine(cfg, three, moduleDecider(wrapped as StrategyModule, three.pairs, params));
      expect(a.summary.trades).toBeGreaterThan(10);
      expect(a.intents).toEqual(b.intents);
      expect(a.trades).toEqual(b.trades);
      expect(a.summary).toEqual(b.summary);
    }
  });

  it('a reading exposes no path to its series, and one key registered twice is one reading', () => {
    const pi = new PairIndicators('BTC/USD');
    const a = pi.registry.ema(9);
    expect(pi.registry.ema(9, 'close')).toBe(a);
    expect(pi.registry.ema(9, 'open')).not.toBe(a);
    expect(pi.count).toBe(2);
    pi.close();
    expect(Reflect.ownKeys(a)).toEqual([]);
    expect(JSON.stringify(a)).toBe('{}');
    expect(a.value).toBeNaN();
    expect(Object.isFrozen(pi.registry)).toBe(true);
  });

  it('refuses registration after init and bad arguments, naming the indicator and the pair', () => {
    const pi = new PairIndicators('ETH/USD');
    expect(() => pi.registry.ema(0)).toThrow('indicators.ema for ETH/USD: ema: period must be an integer >= 1, got 0');
    expect(() => pi.registry.rsi(14.5)).toThrow(/indicators\.rsi for ETH\/USD: rsi: period must be an integer >= 2, got 14\.5/);
    expect(() => pi.registry.sma(5, 'vwap' as never)).toThrow(
      'indicators.sma for ETH/USD: sma: source must be one of open, high, low, close, volume, got vwap',
    );
    expect(() => pi.registry.macd(26, 12)).toThrow(/macd: slow must be an integer >= 26/);
    pi.close();
    expect(() => pi.registry.atr(14)).toThrow('indicator atr(14) for ETH/USD was registered after init; register every indicator in init');
    expect(() => pi.registry.atr(14)).toThrow(expect.objectContaining({ domain: 'backtest', code: 'indicator_after_init' }));
  });

  it('a backtest keeps the series of its dataset: a rerun computes nothing, a new period computes one series', () => {
    const d = loadShared(['BTC/USD', 'ETH/USD']);
    const { cache, scope } = seriesCacheOf(prepareMarket(d));
    const run = (params: Params) => runEngine({ ...engineConfig(d.pairs), params }, d, moduleDecider(v001, d.pairs, params));
    const before = cache.misses;
    const first = run({});
    const computed = cache.misses;
    expect(computed - before).toBe(2 * 4); // per pair: 4 series, side by side in the pair's table
    expect(run({})).toEqual(first);
    expect(cache.misses).toBe(computed);
    run({ emaFast: 7 });
    expect(cache.misses).toBe(computed + 2); // per pair: the EMA(7) series, in the slot of the one it replaces
    expect(run({})).toEqual(first);
    expect(cache.misses).toBe(computed + 2 + 2); // EMA(9) again, where EMA(7) was; the other three stayed
    const held = cache.bytes;
    forgetSeries(d);
    expect(cache.bytes).toBeLessThan(held);
    expect(seriesCacheOf(prepareMarket(d)).scope).toBe(scope);
    run({});
    expect(cache.misses).toBe(computed + 4 + 2 * 4);
  });

  it('a full table reuses its least recently used slot that no run holds, and results do not change', () => {
    const d = loadShared(['BTC/USD']);
    const candles = prepareMarket(d).compact[0]!;
    const pi = new PairIndicators('BTC/USD');
    for (const period of [3, 4, 5, 6]) pi.registry.ema(period);
    const [e3, e4, e5, e6] = pi.indicators as [RegisteredIndicator, RegisteredIndicator, RegisteredIndicator, RegisteredIndicator];
    const cache = new SeriesCache(Infinity, 2);
    const column = (l: SeriesLease, i: number) => Array.from({ length: candles.time.length }, (_, r) => l.values[r * l.stride + l.slots[i]!]);
    const a = cache.lease(0, 0, 0, [e3, e4], candles);
    const ema3 = column(a, 0);
    a.release();
    expect(cache.size).toBe(2);
    // Both slots free: EMA(5) goes where the least recently used series was.
    const b = cache.lease(0, 0, 0, [e4, e5], candles);
    expect(cache.size).toBe(2);
    const misses = cache.misses;
    // EMA(4) and EMA(5) are held by run b: EMA(3) cannot take their slots, so it gets a table of its own.
    const c = cache.lease(0, 0, 0, [e3, e6], candles);
    expect(cache.misses).toBe(misses + 2);
    expect(column(c, 0)).toEqual(ema3);
    expect(column(b, 1)).toEqual(column(cache.lease(0, 0, 0, [e5], candles), 0));
    b.release();
    const again = cache.lease(0, 0, 0, [e3], candles);
    expect(column(again, 0)).toEqual(ema3);
    expect(cache.bytes).toBe(candles.time.length * 2 * 8);
  });
});
