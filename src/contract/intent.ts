/**
 * What a strategy may say: intents, never orders (DESIGN inv. 3). The sandbox host parses
 * the guest's JSON with these strict schemas; unknown keys, NaN and Infinity are rejected.
 */
import { z } from 'zod';
import { PairSchema } from './pair-schemas.ts';

export const INTENT_ACTIONS = ['buy', 'sell', 'close', 'hold'] as const;
export const IntentActionSchema = z.enum(INTENT_ACTIONS);
export type IntentAction = z.infer<typeof IntentActionSchema>;

export const REGIMES = ['trending_up', 'trending_down', 'ranging', 'volatile', 'unknown'] as const;
export const RegimeSchema = z.enum(REGIMES);
export type Regime = z.infer<typeof RegimeSchema>;

/**
 * A strategy's per-bar decision for one pair. `sizeFraction` is a fraction of equity for a buy
 * and a fraction of the open position for a sell; `close` sells everything. Prices are absolute.
 */
export const DecisionSchema = z
  .strictObject({
    action: IntentActionSchema,
    sizeFraction: z.number().min(0).max(1).default(0),
    stopLoss: z.number().positive().finite().optional(),
    takeProfit: z.number().positive().finite().optional(),
    /** Max accepted adverse move from the reference price, as a fraction (0.002 = 0.2 %). */
    slippageTolerance: z.number().min(0).max(0.05).optional(),
    reason: z.string().max(200).default(''),
    regime: RegimeSchema.optional(),
    /** Indicator values the strategy wants recorded with the scan (scan_results). */
    indicators: z.record(z.string().max(40), z.number().finite()).optional(),
  })
  .superRefine((d, ctx) => {
    if ((d.action === 'buy' || d.action === 'sell') && d.sizeFraction === 0) {
      ctx.addIssue({ code: 'custom', message: `${d.action} needs sizeFraction > 0` });
    }
    if (d.stopLoss !== undefined && d.takeProfit !== undefined && d.stopLoss >= d.takeProfit) {
      ctx.addIssue({ code: 'custom', message: 'stopLoss must be below takeProfit' });
    }
    if (d.indicators && Object.keys(d.indicators).length > 32) {
      ctx.addIssue({ code: 'custom', message: 'at most 32 indicators per decision' });
    }
  });
export type Decision = z.infer<typeof DecisionSchema>;
export type DecisionInput = z.input<typeof DecisionSchema>;

/** A decision bound to a pair and to the closed candle it was made on. */
export const IntentSchema = z.strictObject({
  pair: PairSchema,
  /** Open time (ms) of the last closed candle the strategy saw. */
  candleTime: z.number().int().nonnegative(),
  /** Close of that candle: the reference price for slippage and SL/TP sanity checks. */
  refPrice: z.number().positive().finite(),
  strategyVersion: z.string().min(1),
  decision: DecisionSchema,
});
export type Intent = z.infer<typeof IntentSchema>;
