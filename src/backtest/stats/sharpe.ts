/**
 * Probabilistic and deflated Sharpe ratios (Bailey & López de Prado 2012, 2014).
 * All Sharpe ratios here are PER PERIOD (not annualised): the caller passes the SR of the same
 * return series whose length T, skewness and kurtosis it passes.
 *
 * The project's PSR is the 2012 form: the SR estimator's variance is evaluated at the OBSERVED SR
 * and divided by T−1. It is the form the 2014 DSR worked example uses (SR0 0.1132 → DSR 0.9004),
 * so PSR and DSR agree. The 2025 form (López de Prado, Lipton & Zoonekynd: variance at SR0, ÷T) is
 * available as `psr2025` for comparison; on short samples it is noticeably more generous.
 */
import { createRequire } from 'node:module';
import type normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import type normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * The normal distribution, required on first use: its ~150 small CommonJS packages take ~25 ms to load,
 * which `brain backtest` would otherwise pay before it starts reading candles. A backtest loads them
 * while its strategy runs in the sandbox child (loadDistributions, from run.ts).
 */
const load = createRequire(import.meta.url);
let normal: { cdf: typeof normalCdf; quantile: typeof normalQuantile } | undefined;

export function loadDistributions(): void {
  normal ??= { cdf: load('@stdlib/stats-base-dists-normal-cdf'), quantile: load('@stdlib/stats-base-dists-normal-quantile') };
}

const EULER_MASCHERONI = 0.5772156649015329;

export interface SharpeSample {
  /** Observed per-period Sharpe ratio. */
  readonly sr: number;
  /** Number of return observations. */
  readonly t: number;
  /** Population skewness of the returns. */
  readonly skewness: number;
  /** Population kurtosis of the returns (normal = 3). */
  readonly kurtosis: number;
}

const phi = (x: number): number => {
  loadDistributions();
  return normal!.cdf(x, 0, 1);
};
const phiInv = (p: number): number => {
  loadDistributions();
  return normal!.quantile(p, 0, 1);
};

/** PSR, 2012 form: Φ(√(T−1)·(SR−SR0) / √(1 − γ3·SR + (γ4−1)/4·SR²)). */
export function psr(s: SharpeSample, sr0 = 0): number {
  if (s.t < 2 || !Number.isFinite(s.sr)) return Number.NaN;
  const v = 1 - s.skewness * s.sr + ((s.kurtosis - 1) / 4) * s.sr * s.sr;
  if (v <= 0) return Number.NaN;
  return phi((Math.sqrt(s.t - 1) * (s.sr - sr0)) / Math.sqrt(v));
}

/** PSR, 2025 form: Φ(√T·(SR−SR0) / √(1 − γ3·SR0 + (γ4−1)/4·SR0²)). */
export function psr2025(s: SharpeSample, sr0 = 0): number {
  if (s.t < 1 || !Number.isFinite(s.sr)) return Number.NaN;
  const v = 1 - s.skewness * sr0 + ((s.kurtosis - 1) / 4) * sr0 * sr0;
  if (v <= 0) return Number.NaN;
  return phi((Math.sqrt(s.t) * (s.sr - sr0)) / Math.sqrt(v));
}

/**
 * Expected maximum Sharpe ratio among `trials` independent candidates whose SRs have variance
 * `srVariance` (per period), under the null that all true SRs are zero:
 * √V·((1−γ)Φ⁻¹(1−1/N) + γΦ⁻¹(1−1/(N·e))). One trial (or none) means no selection: 0.
 */
export function expectedMaxSharpe(trials: number, srVariance: number): number {
  if (trials <= 1 || !(srVariance > 0)) return 0;
  const a = phiInv(1 - 1 / trials);
  const b = phiInv(1 - 1 / (trials * Math.E));
  return Math.sqrt(srVariance) * ((1 - EULER_MASCHERONI) * a + EULER_MASCHERONI * b);
}

export interface DeflatedSharpe {
  /** The selection-adjusted benchmark SR0 (per period). */
  readonly sr0: number;
  readonly dsr: number;
}

/** DSR = PSR(SR0 = expected max SR over every candidate tried). */
export function deflatedSharpe(s: SharpeSample, trials: number, srVariance: number): DeflatedSharpe {
  const sr0 = expectedMaxSharpe(trials, srVariance);
  return { sr0, dsr: psr(s, sr0) };
}
