/**
 * How the host builds a backtest's EngineConfig. Apart from engine-types.ts because the default risk
 * limits come from their zod schema: the engine itself is bundled into the Deno sandbox child, and
 * zod would make up most of that bundle (tests/sandbox/runner-bundle.test.ts keeps it out).
 */
import { RiskLimitsSchema, type Pair, type RiskLimits } from '../contract/index.ts';
import { defaultPairRules, STARTER_FEES } from '../trading/index.ts';
import type { EngineConfig } from './engine-types.ts';

/**
 * Backtests always run the breaker with `resume: 'auto'`: there is no operator to resume a halted
 * breaker, so `manual` (the live default in config/risk_limits.toml) would freeze every run after the
 * first losing streak. The streak halt then lifts `autoResumeAfterMinutes` after the last loss.
 */
export function backtestLimits(limits: RiskLimits): RiskLimits {
  return limits.resume === 'auto' ? limits : { ...limits, resume: 'auto' };
}

/**
 * A config with Kraken's starter fees, default pair rules and the default risk limits; whatever
 * limits are given, the breaker resumes automatically (backtestLimits). Override any other field.
 */
export function engineConfig(pairs: readonly Pair[], over: Partial<EngineConfig> = {}): EngineConfig {
  return {
    initialCash: 10_000,
    slippage: 0.0005,
    params: {},
    fees: pairs.map(() => STARTER_FEES),
    rules: pairs.map(defaultPairRules),
    ...over,
    limits: backtestLimits(over.limits ?? RiskLimitsSchema.parse({})),
  };
}
