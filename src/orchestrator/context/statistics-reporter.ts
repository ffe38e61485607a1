/**
 * Runs the statistics modules for the night's context: each active `statistics:<name>` slot, in its own
 * sandbox child, its queries on a read-only connection (src/sandbox/statistics.ts). A module is used
 * from the night after it was written, never the night it was written: a version created on or after
 * the UTC day the cycle started gives way to its predecessor. A module that fails is reported as
 * failed (its error is information for the night), never a reason to stop.
 */
import type { Logger } from 'pino';
import { utcDayStart } from '../../clock/clock.ts';
import type { Db } from '../../db/index.ts';
import { versionsRepo, type VersionRecord } from '../../db/versions.repo.ts';
import { StrategyHost } from '../../sandbox/host/strategy-host.ts';
import { DEFAULT_QUERY_LIMITS, QueryRunner, type QueryLimits } from '../../sandbox/query/query-runner.ts';
import { runStatistics } from '../../sandbox/statistics.ts';
import type { StatisticsReporter, StatisticsReportEntry } from './sources.ts';

/** The version of a slot in use at `asOf`: the newest one written before that UTC day. */
export function versionInUse(db: Db, slot: string, asOf: number): VersionRecord | null {
  const versions = versionsRepo(db);
  const ptr = versions.active(slot);
  let v = ptr ? versions.get(ptr.versionId) : undefined;
  let previous = ptr?.previousVersionId ?? null;
  const dayStart = utcDayStart(asOf);
  while (v && v.createdAt >= dayStart) {
    const back = previous ?? v.parentId;
    v = back ? versions.get(back) : undefined;
    previous = null;
  }
  return v ?? null;
}

export function sandboxStatisticsReporter(deps: { db: Db; dbPath: string; log: Logger; limits?: QueryLimits }): StatisticsReporter {
  return async (asOf) => {
    const slots = deps.db.prepare("SELECT slot FROM active_versions WHERE slot LIKE 'statistics:%' ORDER BY slot").all<{ slot: string }>();
    const runner = new QueryRunner(deps.dbPath, deps.limits ?? DEFAULT_QUERY_LIMITS);
    const out: StatisticsReportEntry[] = [];
    try {
      for (const { slot } of slots) {
        const v = versionInUse(deps.db, slot, asOf);
        if (v) out.push(await reportOf(v, runner, deps.log));
      }
    } finally {
      await runner.close();
    }
    return out;
  };
}

async function reportOf(v: VersionRecord, runner: QueryRunner, log: Logger): Promise<StatisticsReportEntry> {
  const entry = { name: v.name, versionId: v.id, label: v.label };
  let host: StrategyHost | null = null;
  try {
    host = await StrategyHost.start({ versionId: v.id, kind: 'statistics', bundle: v.bundle, logger: log });
    return { ...entry, report: await runStatistics(host, runner), error: null };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log.warn({ versionId: v.id, err: error }, 'statistics module failed for the night context');
    return { ...entry, report: null, error };
  } finally {
    await host?.close();
  }
}
