/**
 * The report shows all the validation a backtest ran (issue 13, point 4): canaries, look-ahead,
 * walk-forward per window, Monte Carlo percentiles, parameter jitter, PSR/DSR with verdicts; a price
 * chart per pair with the trades marked; an equity chart that stays readable when the market doubles.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyModule } from '../../src/contract/index.ts';
import { alignMarketData } from '../../src/backtest/data.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { buyAndHoldCurve, equitySpec, priceSpec } from '../../src/backtest/report/charts.ts';
import { isoDate, pct } from '../../src/backtest/report/format.ts';
import { validationHtml } from '../../src/backtest/report/validation.ts';
import { runBacktest, type BacktestOutcome } from '../../src/backtest/run.ts';
import { inProcessRunner } from '../../src/backtest/runners.ts';
import { runGates } from '../../src/backtest/validation/suite.ts';
import { seriesFromCsvDir } from '../../src/market/dataset.ts';

/** Buys after `up` rising closes, exits after two falling ones. Declares `up` so the jitter has a parameter. */
const momentum: StrategyModule<{ up: number; down: number }> = {
  meta: {
    name: 'momentum-test',
    version: 't1',
    description: '',
    params: { up: { default: 3, min: 2, max: 6, integer: true, description: 'rising closes' } },
    warmup: 0,
  },
  init: () => ({ up: 0, down: 0 }),
  onBar(state, bar, ctx) {
    const prev = ctx.index > 0 ? ctx.history.close[ctx.index - 1]! : bar.close;
    state.up = bar.close > prev ? state.up + 1 : 0;
    state.down = bar.close < prev ? state.down + 1 : 0;
    if (!ctx.position && state.up >= (ctx.params.up ?? 3)) return { action: 'buy', sizeFraction: 0.1, stopLoss: bar.close * 0.98 };
    if (ctx.position && state.down >= 2) return { action: 'close' };
    return { action: 'hold' };
  },
};

const FROM = Date.UTC(2024, 8, 1);

describe('the HTML report shows the validation', () => {
  let dir: string;
  let out: BacktestOutcome;
  let html: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'brain-report-gates-'));
    const data = alignMarketData(
      await seriesFromCsvDir('data/sample', { pairs: ['ETH/USD', 'SOL/USD'], timeframe: '5m', from: FROM, to: FROM + 5 * 86_400_000 }),
    );
    const runner = inProcessRunner(momentum, 'sha256:report');
    out = await runBacktest(
      { runner, gates: (run) => runGates(runner, run, { specs: momentum.meta.params }), now: () => 0 },
      { data, config: engineConfig(data.pairs, { params: { up: 3 } }), reportDir: join(dir, 'r') },
    );
    html = readFileSync(join(dir, 'r', 'report.html'), 'utf8');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('states the overall verdict and each canary with its expected and actual figures', () => {
    const g = out.gates!;
    expect(html).toContain(g.passed ? '<strong>Passed</strong>' : '<strong>FAILED</strong>');
    expect(html).toContain('Evaluator canaries');
    expect(html).toContain(pct(g.canaries.buyAndHold.expected));
    expect(html).toContain(pct(g.canaries.buyAndHold.actual));
    expect(html).toContain(`Random entries (${g.canaries.randomEntries.trades} trades)`);
    expect(html).toContain('is caught by the look-ahead check');
  });

  it("dates the look-ahead canary's catch on the window it was flagged on, not the data's first", () => {
    const g = out.gates!;
    const cut = g.canaries.lookAhead.result.cuts.find((c) => c.mismatches.length > 0)!;
    const stepTimes = Array.from({ length: 2000 }, (_, i) => FROM + i * 300_000);
    const later = { ...g, canaries: { ...g.canaries, lookAhead: { ...g.canaries.lookAhead, from: 1000 } } };
    const shown = validationHtml({ gates: later, metrics: out.metrics, stepTimes });
    expect(shown).toContain(`caught at ${isoDate(stepTimes[1000 + cut.step]!)}`);
  });

  it('lists every look-ahead cut, every walk-forward window in and out of sample, the Monte Carlo percentiles and every jitter run', () => {
    const g = out.gates!;
    expect(html.match(/<h3>Look-ahead check<\/h3>/g)).toHaveLength(1);
    expect(g.lookAhead!.cuts).toHaveLength(5);
    expect(html).toContain('Decisions that changed');
    expect(html).toContain('IS return / 1000 candles</th><th>OOS return / 1000 candles');
    for (const w of g.walkForward!.windows) expect(html).toContain(`<td>${pct(w.oosScore * 1000)}</td>`);
    expect(html).toContain('Degradation ratio');
    expect(html).toContain(`<td>Shuffle</td><td>${pct(g.monteCarlo.shuffle.maxDrawdown.p50)}</td>`);
    expect(html).toContain('<td>Bootstrap</td>');
    expect(g.jitter!.runs).toHaveLength(2);
    expect(html).toContain('<td>up</td><td>−10 %</td>');
    expect(html).toContain('<td>up</td><td>+10 %</td>');
  });

  it('gives PSR and DSR with a verdict against 0.95', () => {
    expect(html).toContain('PSR (2012 form): P(true Sharpe &#62; 0)');
    expect(html).toMatch(/<strong>PSR \d\.\d{4} (≥|&#60;) 0\.95<\/strong>/);
    expect(html).toMatch(/<strong>DSR \d\.\d{4} (≥|&#60;) 0\.95<\/strong>/);
  });

  it('draws one price chart per pair with the trades marked, and links it', () => {
    expect(out.report!.charts.map((f) => f.split('/').at(-1))).toEqual(expect.arrayContaining(['price-ETH.png', 'price-SOL.png']));
    expect(html).toContain('src="price-ETH.png"');
    const eth = out.result.trades.filter((t) => t.pair === 'ETH/USD');
    const market = { pair: 'ETH/USD' as const, time: [FROM, FROM + 300_000], close: [100, 101] };
    const spec = JSON.stringify(priceSpec(market, eth));
    expect(spec).toContain('triangle-up');
    expect((spec.match(/"kind":"entry"/g) ?? []).length).toBe(eth.length);
    expect((spec.match(/"kind":"exit"/g) ?? []).length).toBe(eth.length);
  });
});

describe('the equity chart when buy and hold doubles', () => {
  it('puts strategy and market on one log axis, both indexed to 100 at the start', () => {
    const n = 1000;
    const time = Array.from({ length: n }, (_, i) => FROM + i * 300_000);
    const doubling = { pair: 'BTC/USD' as const, time, close: time.map((_, i) => 100 * 2 ** (i / (n - 1))) };
    const equity = { time, value: time.map((_, i) => 10_000 * (1 + 0.02 * Math.sin(i / 50))) };
    const spec = equitySpec(equity, buyAndHoldCurve([doubling], time, 10_000), 10_000) as unknown as {
      encoding: { y: { scale: { type: string } } };
      data: { values: { index: number; series: string }[] };
    };
    expect(spec.encoding.y.scale.type).toBe('log');
    const series = (name: string) => spec.data.values.filter((v) => v.series.startsWith(name)).map((v) => v.index);
    expect(series('Strategy')[0]).toBeCloseTo(100, 9);
    expect(series('Buy and hold')[0]).toBeCloseTo(100, 9);
    expect(series('Buy and hold').at(-1)).toBeCloseTo(200, 9);
    expect(Math.max(...series('Strategy'))).toBeLessThan(103);
  });
});
