/** Deployment gates that keep the backtester honest (DESIGN inv. 2) and measure robustness. */
export * from './look-ahead.ts';
export * from './canaries.ts';
export * from './canary-report.ts';
export * from './walk-forward.ts';
export * from './monte-carlo.ts';
export * from './jitter.ts';
export * from './suite.ts';
