/**
 * Parameter jitter: each declared parameter moved −10 % and +10 % on its own (integers rounded,
 * clamped to [min, max]); a strategy whose result flips under such a nudge is fitted to noise.
 */
import type { Params, ParamSpec } from '../../contract/index.ts';
import type { EngineConfig, MarketData } from '../engine-types.ts';
import { replayedRun, type StrategyRunner } from '../replay.ts';

export interface JitterRun {
  readonly param: string;
  /** −1 or +1: which way the parameter moved. */
  readonly direction: -1 | 1;
  readonly value: number;
  /** True when rounding/clamping left the value where it was (small integers). */
  readonly unchanged: boolean;
  readonly totalReturn: number;
  readonly trades: number;
}

export interface JitterResult {
  readonly baseReturn: number;
  readonly runs: readonly JitterRun[];
  /** Worst and best total return over all nudges. */
  readonly worstReturn: number;
  readonly bestReturn: number;
}

export function jitteredValue(spec: ParamSpec, base: number, direction: -1 | 1, fraction: number): number {
  const moved = base * (1 + direction * fraction);
  const v = spec.integer ? Math.round(moved) : moved;
  return Math.min(spec.max, Math.max(spec.min, v));
}

/**
 * `baseReturn`: the total return of `config` as it is, when the caller has run it already (the
 * backtest the gates judge); it is the base run only when config.params names every declared one.
 */
export async function parameterJitter(
  data: MarketData,
  config: EngineConfig,
  runner: StrategyRunner,
  specs: Readonly<Record<string, ParamSpec>>,
  fraction = 0.1,
  baseReturn?: number,
): Promise<JitterResult> {
  const base: Params = { ...config.params };
  for (const [name, spec] of Object.entries(specs)) base[name] ??= spec.default;
  const run = async (params: Params) => (await replayedRun(runner, data, { ...config, params })).summary;
  const complete = Object.keys(specs).every((name) => config.params[name] !== undefined);
  const baseTotal = baseReturn !== undefined && complete ? baseReturn : (await run(base)).totalReturn;
  const runs: JitterRun[] = [];
  for (const [param, spec] of Object.entries(specs)) {
    for (const direction of [-1, 1] as const) {
      const value = jitteredValue(spec, base[param]!, direction, fraction);
      const s = await run({ ...base, [param]: value });
      runs.push({ param, direction, value, unchanged: value === base[param], totalReturn: s.totalReturn, trades: s.trades });
    }
  }
  const returns = runs.map((r) => r.totalReturn);
  return { baseReturn: baseTotal, runs, worstReturn: Math.min(baseTotal, ...returns), bestReturn: Math.max(baseTotal, ...returns) };
}
