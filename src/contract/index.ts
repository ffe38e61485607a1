/** The IO contract: every type that crosses a boundary, with the zod schema that guards it. */
export * from './pairs.ts';
export * from './pair-schemas.ts';
export * from './candle.ts';
export * from './intent.ts';
export * from './strategy.ts';
export * from './analysis.ts';
export * from './trading.ts';
export * from './risk.ts';
export * from './feed.ts';
export * from './errors.ts';
