/**
 * The report's validation sections: how far the numbers above can be trusted. Each gate of
 * validation/suite.ts with its figures and, where the project has a threshold, its verdict
 * (canaries, look-ahead, PSR/DSR); walk-forward and jitter are measurements for a reader (or the
 * orchestrator) to weigh, shown without a pass mark.
 */
import type { BacktestMetrics } from '../metrics.ts';
import type { GateReport } from '../validation/suite.ts';
import type { MonteCarloDistribution } from '../validation/monte-carlo.ts';
import { isoDate, num, pct, plain } from './format.ts';
import { paragraph, table, verdict } from './markup.ts';

/** PSR / DSR at or above this: the Sharpe ratio is above its benchmark with 95 % confidence. */
export const SIGNIFICANCE = 0.95;

export interface ValidationInput {
  readonly gates: GateReport | null;
  readonly metrics: BacktestMetrics;
  /** The time of every step of the run's data: gate results name steps. */
  readonly stepTimes: ArrayLike<number>;
}

export function validationHtml(v: ValidationInput): string {
  const at = (step: number) => isoDate(v.stepTimes[Math.min(step, v.stepTimes.length - 1)] ?? null);
  const g = v.gates;
  const parts = [`<h2>Validation</h2>`];
  if (!g) {
    parts.push(paragraph('No validation gates were run for this backtest.'));
  } else {
    parts.push(
      g.passed
        ? verdict('ok', 'Passed', 'the evaluator canaries passed and the look-ahead check found no decision that changes when the future is cut')
        : verdict('fail', 'FAILED', 'a canary or the look-ahead check failed: the numbers above cannot be trusted'),
      canaries(g, at),
      lookAhead(g, at),
      walkForward(g, at),
      monteCarlo(g),
      jitter(g),
    );
  }
  parts.push(significance(v.metrics));
  return parts.join('\n');
}

const mark = (ok: boolean) => (ok ? 'ok' : 'FAILED');

function canaries(g: GateReport, at: (step: number) => string): string {
  const { buyAndHold: b, randomEntries: r, lookAhead: l } = g.canaries;
  const caught = l.result.cuts.find((c) => c.mismatches.length > 0);
  return [
    `<h3>Evaluator canaries</h3>`,
    paragraph('The judge is tested on this data before it judges: reference strategies whose result is known in advance.'),
    table(
      ['Canary', 'Expected', 'Actual', 'Verdict'],
      [
        [
          'Buy and hold (99 % invested, costs charged as the engine charges them)',
          `${pct(b.expected)} (market ${pct(b.marketChange)})`,
          pct(b.actual),
          mark(b.passed),
        ],
        [
          `Random entries (${r.trades} trades): mean return per trade ≈ −costs`,
          `${pct(-r.expectedCost, 3)} ± ${pct(0.25 * r.expectedCost + 3 * r.standardError, 3)}`,
          pct(r.meanTradeReturn, 3),
          mark(r.passed),
        ],
        [
          'A strategy that reads the next candle is caught by the look-ahead check',
          'caught',
          caught ? `caught at ${at(l.from + caught.step)}` : 'not caught',
          mark(l.passed),
        ],
      ],
    ),
    g.canaries.passed ? '' : verdict('fail', 'Canaries FAILED', 'the evaluator cannot be trusted on this data'),
  ].join('\n');
}

function lookAhead(g: GateReport, at: (step: number) => string): string {
  const l = g.lookAhead;
  if (!l) return `<h3>Look-ahead check</h3>\n${paragraph('Skipped (--quick): the strategy was not re-run on truncated data.')}`;
  return [
    `<h3>Look-ahead check</h3>`,
    paragraph(`The strategy re-run on copies of the data cut at ${l.cuts.length} points: every decision before a cut must be the same as in the full run.`),
    table(
      ['Cut at', 'Decisions that changed'],
      l.cuts.map((c) => [at(c.step), `${c.mismatches.length}`]),
    ),
    l.passed
      ? verdict('ok', 'Passed', 'no decision depends on candles after it')
      : verdict('fail', 'FAILED', 'decisions change when the future is removed: the strategy reads ahead'),
  ].join('\n');
}

function walkForward(g: GateReport, at: (step: number) => string): string {
  const w = g.walkForward;
  if (!w) return `<h3>Walk-forward</h3>\n${paragraph(g.lookAhead ? 'Not enough data for the walk-forward windows.' : 'Skipped (--quick).')}`;
  const per1000 = (x: number) => pct(x * 1000);
  const ratio = w.degradation === null ? 'n/a (in-sample return not positive)' : num(w.degradation);
  return [
    `<h3>Walk-forward (in-sample vs out-of-sample)</h3>`,
    paragraph(
      'Each window runs the strategy on an in-sample stretch and on the stretch that follows it; returns are per 1000 candles so windows of any length compare.',
    ),
    table(
      ['Window', 'In-sample', 'Out-of-sample', 'IS return / 1000 candles', 'OOS return / 1000 candles', 'OOS trades'],
      w.windows.map((x, i) => [
        `${i + 1}`,
        `${at(x.isStart)} → ${at(x.oosStart - 1)}`,
        `${at(x.oosStart)} → ${at(x.oosEnd - 1)}`,
        per1000(x.isScore),
        per1000(x.oosScore),
        `${x.oosTrades}`,
      ]),
    ),
    verdict(
      'info',
      `Degradation ratio ${ratio}`,
      `mean out-of-sample ${per1000(w.meanOosScore)} vs in-sample ${per1000(w.meanIsScore)} per 1000 candles; near 1 the edge holds out of sample, near 0 or below it was fitted to noise`,
    ),
  ].join('\n');
}

function monteCarlo(g: GateReport): string {
  const m = g.monteCarlo;
  const row = (name: string, d: MonteCarloDistribution) => [
    name,
    pct(d.maxDrawdown.p50),
    pct(d.maxDrawdown.p90),
    pct(d.maxDrawdown.p95),
    pct(d.maxDrawdown.p99),
    [d.losingStreak.p50, d.losingStreak.p90, d.losingStreak.p95, d.losingStreak.p99].map((x) => plain(x, 1)).join(' / '),
  ];
  return [
    `<h3>Monte Carlo</h3>`,
    paragraph(
      `${m.runs} reorderings of the ${m.trades} closed trades (shuffle) and ${m.runs} resamplings with replacement (bootstrap), seed ${m.seed}: the drawdowns and losing streaks the same trades could have produced with other luck. The rollback triggers compare live results with these.`,
    ),
    table(
      ['Method', 'Max drawdown p50', 'p90', 'p95', 'p99', 'Losing streak p50 / p90 / p95 / p99'],
      [row('Shuffle', m.shuffle), row('Bootstrap', m.bootstrap)],
    ),
  ].join('\n');
}

function jitter(g: GateReport): string {
  const j = g.jitter;
  if (!j) return `<h3>Parameter jitter</h3>\n${paragraph(g.lookAhead ? 'The strategy declares no parameters.' : 'Skipped (--quick).')}`;
  const rows = j.runs.map((r) => [
    r.param,
    r.direction < 0 ? '−10 %' : '+10 %',
    plain(r.value),
    r.unchanged ? 'unchanged (rounding)' : pct(r.totalReturn),
    `${r.trades}`,
  ]);
  return [
    `<h3>Parameter jitter</h3>`,
    paragraph(`Each declared parameter moved 10 % down and up on its own; total return with the declared values: ${pct(j.baseReturn)}.`),
    table(['Parameter', 'Move', 'Value', 'Total return', 'Trades'], rows),
    verdict('info', `Spread ${pct(j.worstReturn)} … ${pct(j.bestReturn)}`, 'a result that flips sign under a 10 % nudge was fitted to noise'),
  ].join('\n');
}

function significance(m: BacktestMetrics): string {
  const psrOk = m.psr !== null && m.psr >= SIGNIFICANCE;
  const dsrOk = m.dsr !== null && m.dsr >= SIGNIFICANCE;
  const candidates = `${m.trials} candidate${m.trials === 1 ? '' : 's'}`;
  return [
    `<h3>Statistical significance of the Sharpe ratio</h3>`,
    table(
      ['Measure', 'Value', 'Reads as'],
      [
        [
          'PSR (2012 form): P(true Sharpe > 0)',
          num(m.psr, 4),
          `daily Sharpe ${num(m.dailySharpe, 4)} over ${m.daily.length} days, skew ${num(m.dailySkewness)}, kurtosis ${num(m.dailyKurtosis)}`,
        ],
        ['PSR (2025 form, for reference)', num(m.psr2025, 4), 'more generous on short samples'],
        ['DSR: PSR against the best of the candidates tried', num(m.dsr, 4), `benchmark daily Sharpe ${num(m.dsrBenchmark, 4)} from ${candidates}`],
      ],
    ),
    m.psr === null
      ? verdict('info', 'PSR n/a', 'too few days or no variation in daily returns')
      : psrOk
        ? verdict('ok', `PSR ${num(m.psr, 4)} ≥ ${SIGNIFICANCE}`, 'the Sharpe ratio is above 0 with 95 % confidence')
        : verdict('fail', `PSR ${num(m.psr, 4)} < ${SIGNIFICANCE}`, 'the Sharpe ratio cannot be told apart from zero skill'),
    m.dsr === null
      ? verdict('info', 'DSR n/a', 'too few days or no variation in daily returns')
      : dsrOk
        ? verdict('ok', `DSR ${num(m.dsr, 4)} ≥ ${SIGNIFICANCE}`, `it survives the selection among ${candidates}`)
        : verdict('fail', `DSR ${num(m.dsr, 4)} < ${SIGNIFICANCE}`, `it could be the luckiest of ${candidates}`),
  ].join('\n');
}
