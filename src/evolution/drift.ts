/**
 * Live-vs-backtest drift per UTC day and version (QuantConnect's live reconciliation): the day's candles
 * replayed through the backtester with the version that traded (same warm-up as the live scan), against
 * what the venue did. Entries are matched by pair within one candle of the replay's; an entry the replay
 * made and live did not is a missed signal, the reverse an extra one; matched entries compare fill price
 * (slippage against the replay's next-open reference) and fee rate. DESIGN inv. 1: the same strategy,
 * costs and risk rules, so a difference is the venue, the feed, or a bug.
 */
import { DAY_MS } from '../clock/time.ts';
import { timeframeMs } from '../contract/index.ts';
import type { Db, EvolutionRepo } from '../db/index.ts';
import { replayedRun, type StrategyRunner } from '../backtest/replay.ts';
import { meanOf } from './stats.ts';
import { windowData, type ShadowMarket } from './shadow.ts';

export interface DriftReport {
  day: number;
  versionId: string;
  liveEntries: number;
  replayEntries: number;
  matched: number;
  missed: Array<{ pair: string; time: number }>;
  extra: Array<{ pair: string; time: number }>;
  /** Mean (live entry price / replay entry price − 1) over matched entries: execution cost the replay did not see. */
  entrySlippage: number | null;
  /** Mean live fee rate minus the replay's, over matched entries. */
  feeRateDifference: number | null;
}

export interface DriftDeps {
  db: Db;
  market: ShadowMarket;
  reports: Pick<EvolutionRepo, 'saveDrift'>;
  runnerFor: (versionId: string) => Promise<{ runner: StrategyRunner; params: Record<string, number>; close: () => Promise<void> }>;
  now: () => number;
}

interface LiveEntry {
  pair: string;
  opened_at: number;
  entry_price: number;
  entry_fees: number;
  quantity: number;
}

/** Every version that opened a position in the UTC day starting at `day`, reconciled against its replay. */
export async function dailyDrift(deps: DriftDeps, day: number): Promise<DriftReport[]> {
  const versions = deps.db.prepare('SELECT DISTINCT strategy_version AS v FROM positions WHERE opened_at >= ? AND opened_at < ? ORDER BY v').all<{ v: string }>([day, day + DAY_MS]);
  const out: DriftReport[] = [];
  for (const { v } of versions) {
    const live = deps.db.prepare('SELECT pair, opened_at, entry_price, entry_fees, quantity FROM positions WHERE strategy_version = ? AND opened_at >= ? AND opened_at < ? ORDER BY opened_at').all<LiveEntry>([v, day, day + DAY_MS]);
    const report = await reconcileDay(deps, day, v, live);
    deps.reports.saveDrift(day, v, report, deps.now());
    out.push(report);
  }
  return out;
}

async function reconcileDay(deps: DriftDeps, day: number, versionId: string, live: readonly LiveEntry[]): Promise<DriftReport> {
  const window = windowData(deps.market, day, day + DAY_MS);
  const r = await deps.runnerFor(versionId);
  let replay;
  try {
    replay = await replayedRun(r.runner, window.data, { ...deps.market.engineConfig(window.data.pairs), params: r.params, start: window.start, end: window.data.time.length });
  } finally {
    await r.close();
  }
  const tf = timeframeMs(deps.market.timeframe);
  const entries = replay.fills.filter((f) => f.reason === 'entry');
  const used = new Set<number>();
  const pairs: Array<{ live: LiveEntry; price: number; feeRate: number }> = [];
  const extra: DriftReport['extra'] = [];
  for (const e of live) {
    const k = entries.findIndex((f, i) => !used.has(i) && f.pair === e.pair && Math.abs(e.opened_at - f.time) < tf);
    if (k < 0) extra.push({ pair: e.pair, time: e.opened_at });
    else {
      used.add(k);
      pairs.push({ live: e, price: entries[k]!.price, feeRate: entries[k]!.fee / (entries[k]!.price * entries[k]!.quantity) });
    }
  }
  const missed = entries.filter((_, i) => !used.has(i)).map((f) => ({ pair: f.pair, time: f.time }));
  return {
    day, versionId, liveEntries: live.length, replayEntries: entries.length, matched: pairs.length, missed, extra,
    entrySlippage: pairs.length > 0 ? meanOf(pairs.map((p) => p.live.entry_price / p.price - 1)) : null,
    feeRateDifference: pairs.length > 0 ? meanOf(pairs.map((p) => p.live.entry_fees / (p.live.entry_price * p.live.quantity) - p.feeRate)) : null,
  };
}
