/**
 * Tiered retention: fine candles older than their keep window fold into the next tier, then go.
 * The aggregate is written BEFORE the sources are deleted, in ONE transaction, so a crash at any
 * point leaves either the old tier or the new one, never neither. 1d candles are kept forever.
 */
import { timeframeMs, type Candle, type Pair, type Timeframe } from '../contract/index.ts';
import { aggregateCandles, bucketStart, moreComplete } from './aggregate.ts';
import { MarketDataError } from './errors.ts';
import { tierRules, type CandleDb, type CandleRetention, type TierRule } from './types.ts';

const DAY_MS = 86_400_000;

export interface CompactionStep {
  readonly pair: Pair;
  readonly source: Timeframe;
  readonly target: Timeframe;
  /** Source candles folded and deleted (for 1d → 1d: deleted past the last tier's window). */
  readonly folded: number;
  /** Target candles written (new or merged). */
  readonly written: number;
}

export function validateRetention(r: CandleRetention): void {
  const daily = r.dailyDays ?? Infinity;
  const ok = (d: number) => !Number.isNaN(d) && d > 0;
  if (!ok(r.fineDays) || !ok(r.hourlyDays) || !ok(daily) || r.hourlyDays < r.fineDays || daily < r.hourlyDays) {
    throw new MarketDataError(
      'retention_invalid',
      `candle retention needs 0 < 5m days <= 1h days <= 1d days, got fineDays=${r.fineDays}, hourlyDays=${r.hourlyDays}, dailyDays=${daily} (config data.retention)`,
    );
  }
}

/** What compaction would do to one series, without doing it: the candles it would delete, and into what. */
export interface PlannedStep {
  readonly pair: Pair;
  readonly source: Timeframe;
  /** The tier they fold into; null for 1d candles past the last window (deleted outright). */
  readonly target: Timeframe | null;
  readonly candles: number;
  /** Open times of the oldest and newest candle concerned. */
  readonly from: number;
  readonly to: number;
  /** Candles opening before this go (retention counts back from `now`). */
  readonly cutoff: number;
}

/** Only whole target buckets fold, so a bucket is never split between two tiers. */
function cutoffOf(keepDays: number, target: Timeframe, now: number): number {
  return bucketStart(now - keepDays * DAY_MS, target);
}

/** Every series compaction at `now` would fold or delete, oldest tier first: what `brain data compact` shows before it acts. */
export function compactionPlan(db: CandleDb, pairs: readonly Pair[], retention: CandleRetention, now: number): PlannedStep[] {
  validateRetention(retention);
  const rules: Array<{ source: Timeframe; target: Timeframe | null; keepDays: number }> = [
    ...tierRules(retention),
    { source: '1d', target: null, keepDays: retention.dailyDays ?? Infinity },
  ];
  const plan: PlannedStep[] = [];
  for (const pair of pairs) {
    for (const rule of rules) {
      if (!Number.isFinite(rule.keepDays)) continue;
      const cutoff = cutoffOf(rule.keepDays, rule.target ?? '1d', now);
      const { time } = db.repo.rangeColumns(pair, rule.source, 0, cutoff);
      if (time.length > 0)
        plan.push({ pair, source: rule.source, target: rule.target, candles: time.length, from: time[0]!, to: time[time.length - 1]!, cutoff });
    }
  }
  return plan;
}

/** Folds one tier step for one pair; returns null when nothing was old enough. */
export function compactStep(db: CandleDb, pair: Pair, rule: TierRule, now: number): CompactionStep | null {
  if (!Number.isFinite(rule.keepDays)) return null;
  const cutoff = cutoffOf(rule.keepDays, rule.target, now);
  return db.transaction(() => {
    const sources = db.repo.range(pair, rule.source, 0, cutoff);
    if (sources.length === 0) return null;
    const aggregates = aggregateCandles(sources, rule.target);
    const first = aggregates[0]!.time;
    const existing = new Map<number, Candle>();
    for (const c of db.repo.range(pair, rule.target, first, cutoff)) existing.set(c.time, c);
    const merged = aggregates.map((a) => moreComplete(existing.get(a.time), a));
    db.repo.upsertMany(pair, rule.target, merged);
    db.repo.deleteRange(pair, rule.source, 0, cutoff);
    return { pair, source: rule.source, target: rule.target, folded: sources.length, written: merged.length };
  });
}

/** Runs the whole tier chain (finest first) for each pair. This is also the pruning pass. */
export function compact(db: CandleDb, pairs: readonly Pair[], retention: CandleRetention, now: number): CompactionStep[] {
  validateRetention(retention);
  const steps: CompactionStep[] = [];
  for (const pair of pairs) {
    for (const rule of tierRules(retention)) {
      const step = compactStep(db, pair, rule, now);
      if (step) steps.push(step);
    }
    const daily = retention.dailyDays ?? Infinity;
    if (Number.isFinite(daily)) {
      const deleted = db.transaction(() => db.repo.deleteRange(pair, '1d', 0, cutoffOf(daily, '1d', now)));
      if (deleted > 0) steps.push({ pair, source: '1d', target: '1d', folded: deleted, written: 0 });
    }
  }
  return steps;
}

/** Open time of the newest candle of `timeframe` that has closed by `now`. */
export function lastClosedOpen(now: number, timeframe: Timeframe): number {
  return bucketStart(now, timeframe) - timeframeMs(timeframe);
}
