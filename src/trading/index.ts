/** Pure trading math shared by the backtest engine, the paper venue and the live daemon (DESIGN inv. 1). */
export * from './market-rules.ts';
export * from './pair-rules.ts';
export * from './fill.ts';
export * from './fill-id.ts';
export * from './portfolio.ts';
export * from './breaker.ts';
export * from './sizing.ts';
export * from './risk.ts';
export * from './balances.ts';
