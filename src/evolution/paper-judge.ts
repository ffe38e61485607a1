/**
 * Judging a paper test, once, over its window [from, to): the shadow's ledger (its live decisions
 * traded by the engine) against (a) the incumbent replayed by the backtester over the same candles and
 * costs, and (b) the candidate's own backtest of the same window (same warm-up as the live scan), trade
 * by trade: a trade in one and not the other is a drift finding, i.e. live and backtest disagree
 * (DESIGN inv. 1). It fails on too few trades, on trailing the incumbent by more than the margin, or
 * on drift beyond the allowed share.
 */
import { replayedRun, type StrategyRunner } from '../backtest/replay.ts';
import type { BacktestTrade } from '../backtest/engine.ts';
import type { JudgeInput, PaperTestVerdict } from '../../machines/paper-test.machine.ts';
import type { EvolutionRepo } from '../db/index.ts';
import type { EvolutionConfig } from './config.ts';
import { shadowRun, windowData, type ShadowMarket } from './shadow.ts';

export interface JudgeDeps {
  readonly market: ShadowMarket;
  readonly decisions: Pick<EvolutionRepo, 'decisions'>;
  readonly evolution: EvolutionConfig;
  /** A sandbox runner for a stored version with its declared defaults, and how to stop it. */
  readonly runnerFor: (versionId: string) => Promise<{ runner: StrategyRunner; params: Record<string, number>; close: () => Promise<void> }>;
}

/** What the paper-test machine asks the judge (its window and its minimum). */
export type JudgeRequest = JudgeInput;

const key = (t: Pick<BacktestTrade, 'pair' | 'entryTime'>) => `${t.pair}|${t.entryTime}`;

/** Trades in one run and not the other, matched by pair and entry time. */
export function tradeDrift(shadow: readonly BacktestTrade[], replay: readonly BacktestTrade[]): PaperTestVerdict['drift'] {
  const inReplay = new Set(replay.map(key));
  const inShadow = new Set(shadow.map(key));
  return [
    ...shadow.filter((t) => !inReplay.has(key(t))).map((t) => ({ pair: t.pair, entryTime: t.entryTime, in: 'shadow' as const })),
    ...replay.filter((t) => !inShadow.has(key(t))).map((t) => ({ pair: t.pair, entryTime: t.entryTime, in: 'replay' as const })),
  ];
}

async function replayOf(deps: JudgeDeps, versionId: string, data: ReturnType<typeof windowData>) {
  const r = await deps.runnerFor(versionId);
  try {
    const config = deps.market.engineConfig(data.data.pairs);
    return await replayedRun(r.runner, data.data, { ...config, params: r.params, start: data.start, end: data.data.time.length });
  } finally {
    await r.close();
  }
}

export async function judgePaperTest(deps: JudgeDeps, req: JudgeRequest): Promise<PaperTestVerdict> {
  const window = windowData(deps.market, req.from, req.to);
  const config = deps.market.engineConfig(window.data.pairs);
  const shadow = shadowRun(window.data, window.start, deps.decisions.decisions(req.id), config);
  const replay = await replayOf(deps, req.versionId, window);
  const incumbent = req.incumbentId ? await replayOf(deps, req.incumbentId, window) : null;
  const drift = tradeDrift(shadow.trades, replay.trades);
  const p = deps.evolution.paper;
  const s = { trades: shadow.summary.trades, totalReturn: shadow.summary.totalReturn };
  const inc = incumbent && { trades: incumbent.summary.trades, totalReturn: incumbent.summary.totalReturn };
  const base = { shadow: s, incumbent: inc, replay: { trades: replay.summary.trades, totalReturn: replay.summary.totalReturn }, drift };
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  if (s.trades < req.minTrades)
    return { ...base, passed: false, failedCheck: 'minTrades', reason: `the shadow made ${s.trades} trades, fewer than the ${req.minTrades} needed` };
  if (inc && s.totalReturn < inc.totalReturn - p.maxUnderperformance) {
    return {
      ...base,
      passed: false,
      failedCheck: 'underperformance',
      reason: `the shadow returned ${pct(s.totalReturn)}, the incumbent ${pct(inc.totalReturn)} on the same candles (allowed shortfall ${pct(p.maxUnderperformance)})`,
    };
  }
  const compared = Math.max(1, s.trades, replay.summary.trades);
  if (drift.length / compared > p.maxDriftShare) {
    return {
      ...base,
      passed: false,
      failedCheck: 'drift',
      reason: `${drift.length} trades differ between the shadow and its backtest replay of the window (of ${compared}; allowed share ${p.maxDriftShare})`,
    };
  }
  return {
    ...base,
    passed: true,
    failedCheck: null,
    reason: `shadow ${pct(s.totalReturn)} over ${s.trades} trades${inc ? ` vs incumbent ${pct(inc.totalReturn)}` : ''}; ${drift.length} drift findings`,
  };
}
