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

/** Folds one tier step for one pair; returns null when nothing was old enough. */
export function compactStep(db: CandleDb, pair: Pair, rule: TierRule, now: number): CompactionStep | null {
  if (!Number.isFinite(rule.keepDays)) return null;
  // Only whole target buckets fold, so a bucket is never split between two tiers.
  const cutoff = bucketStart(now - rule.keepDays * DAY_MS, rule.target);
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
      const deleted = db.transaction(() => db.repo.deleteRange(pair, '1d', 0, bucketStart(now - daily * DAY_MS, '1d')));
      if (deleted > 0) steps.push({ pair, source: '1d', target: '1d', folded: deleted, written: 0 });
    }
  }
  return steps;
}

/** Open time of the newest candle of `timeframe` that has closed by `now`. */
export function lastClosedOpen(now: number, timeframe: Timeframe): number {
  return bucketStart(now, timeframe) - timeframeMs(timeframe);
}
