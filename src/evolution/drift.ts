/**
 * Live-vs-backtest drift per UTC day and version (QuantConnect's live reconciliation): the day's candles
 * replayed through the backtester with the version that traded (same warm-up as the live scan), against
 * what the venue did. Entries are matched by pair within one candle of the replay's; an entry the replay
 * made and live did not is a missed signal, the reverse an extra one; matched entries compare fill price
 * (slippage against the replay's next-open reference) and fee rate, and then their exits: the same reason
 * within one candle, or a mismatch named with both sides (a position still open on one side only counts
 * too), and the live exit price against the replay's. DESIGN inv. 1: the same strategy, costs and risk
 * rules, so a difference is the venue, the feed, or a bug.
 */
import { DAY_MS } from '../clock/time.ts';
import { timeframeMs } from '../contract/index.ts';
import type { Db, EvolutionRepo } from '../db/index.ts';
import type { EngineFill } from '../backtest/engine-types.ts';
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
  /** Matched entries whose exits agree: both closed for the same reason within one candle, or both still open. */
  exitsMatched: number;
  /** Matched entries whose exits differ; `null` on a side = still open at the end of the day's replay. */
  exitMismatches: Array<{ pair: string; entryTime: number; live: ExitSide | null; replay: ExitSide | null }>;
  /** Mean (live exit price / replay exit price − 1) over matched entries both sides closed. */
  exitSlippage: number | null;
}

export interface ExitSide {
  reason: string;
  time: number;
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
  closed_at: number | null;
  exit_reason: string | null;
  /** Volume-weighted price of the position's sell fills; null while none. */
  exit_price: number | null;
}

const LIVE_ENTRIES = `SELECT p.pair, p.opened_at, p.entry_price, p.entry_fees, p.quantity, p.closed_at, p.exit_reason,
    (SELECT SUM(f.price * f.quantity) / SUM(f.quantity) FROM fills f JOIN orders o ON o.cl_ord_id = f.cl_ord_id
      WHERE o.position_id = p.id AND o.side = 'sell') AS exit_price
  FROM positions p WHERE p.strategy_version = ? AND p.opened_at >= ? AND p.opened_at < ? ORDER BY p.opened_at`;

/** Every version that opened a position in the UTC day starting at `day`, reconciled against its replay. */
export async function dailyDrift(deps: DriftDeps, day: number): Promise<DriftReport[]> {
  const versions = deps.db
    .prepare('SELECT DISTINCT strategy_version AS v FROM positions WHERE opened_at >= ? AND opened_at < ? ORDER BY v')
    .all<{ v: string }>([day, day + DAY_MS]);
  const out: DriftReport[] = [];
  for (const { v } of versions) {
    const live = deps.db.prepare(LIVE_ENTRIES).all<LiveEntry>([v, day, day + DAY_MS]);
    const report = await reconcileDay(deps, day, v, live);
    deps.reports.saveDrift(day, v, report, deps.now());
    out.push(report);
  }
  return out;
}

async function reconcileDay(deps: DriftDeps, day: number, versionId: string, live: readonly LiveEntry[]): Promise<DriftReport> {
  const window = windowData(deps.market, day, day + DAY_MS);
  const r = await deps.runnerFor(versionId);
  let replay: Awaited<ReturnType<typeof replayedRun>>;
  try {
    replay = await replayedRun(r.runner, window.data, {
      ...deps.market.engineConfig(window.data.pairs),
      params: r.params,
      start: window.start,
      end: window.data.time.length,
    });
  } finally {
    await r.close();
  }
  const tf = timeframeMs(deps.market.timeframe);
  const entries = replay.fills.filter((f) => f.reason === 'entry');
  const used = new Set<number>();
  const pairs: Array<{ live: LiveEntry; price: number; feeRate: number; exit: EngineFill | null }> = [];
  const extra: DriftReport['extra'] = [];
  for (const e of live) {
    const k = entries.findIndex((f, i) => !used.has(i) && f.pair === e.pair && Math.abs(e.opened_at - f.time) < tf);
    if (k < 0) extra.push({ pair: e.pair, time: e.opened_at });
    else {
      used.add(k);
      const entry = entries[k]!;
      pairs.push({ live: e, price: entry.price, feeRate: entry.fee / (entry.price * entry.quantity), exit: replayExit(replay.fills, entry) });
    }
  }
  const missed = entries.filter((_, i) => !used.has(i)).map((f) => ({ pair: f.pair, time: f.time }));
  const exits = compareExits(pairs, tf, day + DAY_MS);
  return {
    day,
    versionId,
    liveEntries: live.length,
    replayEntries: entries.length,
    matched: pairs.length,
    missed,
    extra,
    entrySlippage: pairs.length > 0 ? meanOf(pairs.map((p) => p.live.entry_price / p.price - 1)) : null,
    feeRateDifference: pairs.length > 0 ? meanOf(pairs.map((p) => p.live.entry_fees / (p.live.entry_price * p.live.quantity) - p.feeRate)) : null,
    ...exits,
  };
}

/** The replay's exit of the position `entry` opened: the pair's next fill that is not an entry (one position per pair). */
function replayExit(fills: readonly EngineFill[], entry: EngineFill): EngineFill | null {
  return fills.find((f) => f.pair === entry.pair && f.time >= entry.time && f !== entry && f.reason !== 'entry') ?? null;
}

/** End of data is the replay's window closing, not an exit: live keeps that position open past the day too. */
const exitOf = (f: EngineFill | null): ExitSide | null => (f && f.reason !== 'end_of_data' ? { reason: f.reason, time: f.time } : null);

function compareExits(
  pairs: ReadonlyArray<{ live: LiveEntry; exit: EngineFill | null }>,
  tf: number,
  dayEnd: number,
): Pick<DriftReport, 'exitsMatched' | 'exitMismatches' | 'exitSlippage'> {
  const mismatches: DriftReport['exitMismatches'] = [];
  const slips: number[] = [];
  for (const p of pairs) {
    const replay = exitOf(p.exit);
    // A live exit after the day is past the replay's window: both sides were open at its end.
    const closed = p.live.closed_at !== null && p.live.closed_at < dayEnd && p.live.exit_reason;
    const live: ExitSide | null = closed ? { reason: p.live.exit_reason!, time: p.live.closed_at! } : null;
    const agree = live === null || replay === null ? live === replay : live.reason === replay.reason && Math.abs(live.time - replay.time) < tf;
    if (!agree) mismatches.push({ pair: p.live.pair, entryTime: p.live.opened_at, live, replay });
    if (live && replay && p.live.exit_price !== null) slips.push(p.live.exit_price / p.exit!.price - 1);
  }
  return { exitsMatched: pairs.length - mismatches.length, exitMismatches: mismatches, exitSlippage: slips.length > 0 ? meanOf(slips) : null };
}
