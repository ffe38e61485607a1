import { describe, expect, it } from 'vitest';
import PortfolioAnalytics from 'portfolio-analytics';
import { moments } from '../../src/backtest/stats/moments.ts';
import { deflatedSharpe, expectedMaxSharpe, psr, psr2025 } from '../../src/backtest/stats/sharpe.ts';
import { seededReturns } from './metrics-fixtures.ts';

// Bailey & López de Prado (2012) example, per oracles.md §6.
const PSR_EXAMPLE = { sr: 0.036 / 0.079, t: 24, skewness: -2.448, kurtosis: 10.164 };

describe('probabilistic Sharpe ratio', () => {
  it('matches the 2012 reference value 0.9127 (variance at the observed SR, ÷(T−1))', () => {
    expect(psr(PSR_EXAMPLE)).toBeCloseTo(0.9127, 4);
  });

  it('matches the 2025 reference value 0.9872 (variance at SR0, ÷T) in the alternative form', () => {
    expect(psr2025(PSR_EXAMPLE)).toBeCloseTo(0.9872, 4);
  });

  it('agrees with portfolio-analytics on seeded fat-tailed daily returns', () => {
    const returns = seededReturns(1000, 7);
    const curve = [1];
    for (const r of returns) curve.push(curve.at(-1)! * (1 + r));
    const m = moments(returns);
    const ours = psr({ sr: m.mean / m.stdev, t: returns.length, skewness: m.skewness, kurtosis: m.kurtosis });
    const theirs = PortfolioAnalytics.probabilisticSharpeRatio(
      curve,
      curve.map(() => 1),
      0,
    );
    // portfolio-analytics uses bias-adjusted sample skew/kurtosis; ours are population moments.
    expect(Math.abs(ours - theirs)).toBeLessThan(1e-3);
  });
});

describe('deflated Sharpe ratio', () => {
  const annual = 250;
  const example = { sr: 2.5 / Math.sqrt(annual), t: 1250, skewness: -3, kurtosis: 10 };

  it('reproduces the Bailey & López de Prado (2014) worked example: SR0 0.1132, DSR 0.9004', () => {
    const out = deflatedSharpe(example, 100, 0.5 / annual);
    expect(out.sr0).toBeCloseTo(0.1132, 4);
    expect(out.dsr).toBeCloseTo(0.9004, 4);
  });

  it('equals the PSR against zero when only one candidate was tried', () => {
    expect(expectedMaxSharpe(1, 0.01)).toBe(0);
    expect(deflatedSharpe(example, 1, 0.01).dsr).toBe(psr(example));
  });

  it('falls as more candidates are tried', () => {
    const few = deflatedSharpe(example, 10, 0.5 / annual).dsr;
    const many = deflatedSharpe(example, 1000, 0.5 / annual).dsr;
    expect(many).toBeLessThan(few);
  });
});
