/**
 * Where the night's context comes from (the port the gatherer reads) and its database-backed form: truth
 * benchmarks (src/truth.ts), system constraints from config and the exchange's fee schedule (never the
 * secrets branch of config: inv. 7), signal drought, paper tests, observations, the version lineage and
 * the active modules. The statistics reports come from a separate reporter (statistics-reporter.ts),
 * since running them needs the sandbox.
 */
import type { Config } from '../../config/index.ts';
import type { AnalysisReport } from '../../contract/analysis.ts';
import type { Db, SqlValue } from '../../db/index.ts';
import { feesRepo } from '../../db/fees.repo.ts';
import { orchestratorRepo } from '../../db/orchestrator.repo.ts';
import { paperTestsRepo } from '../../db/paper-tests.repo.ts';
import { versionsRepo } from '../../db/versions.repo.ts';
import { truthReport } from '../../truth.ts';
import type { ModuleKind } from '../../sandbox/gates/types.ts';

const DAY_MS = 86_400_000;

export type { ModuleKind } from '../../sandbox/gates/types.ts';

export interface StatisticsReportEntry {
  name: string;
  versionId: string;
  label: string;
  report: AnalysisReport | null;
  /** Why the module gave no report (it failed tonight): the failure is itself information. */
  error: string | null;
}

export interface DroughtFigures {
  lastSignalAt: number | null;
  signals7d: number;
  signals30d: number;
  scans24h: number;
  lastScanAt: number | null;
}

export interface ConstraintFigures {
  mode: string;
  pairs: readonly string[];
  timeframe: string;
  longOnly: true;
  fees: Array<{ pair: string; maker: number; taker: number; source: string }>;
  risk: Config['risk'];
  slippageFraction: number;
}

export interface PaperTestView {
  id: string;
  versionId: string;
  status: string;
  deadline: number;
  result: unknown;
  reason: string | null;
}

export interface LineageEntry {
  versionId: string;
  label: string;
  kind: ModuleKind;
  name: string;
  parentId: string | null;
  author: string;
  status: string;
  createdAt: number;
}

export interface ActiveModule {
  kind: ModuleKind;
  name: string;
  versionId: string;
  label: string;
  source: string;
}

export interface ContextSources {
  truth(now: number): Record<string, SqlValue>;
  /** Reports of the statistics modules in use at `asOf` (a module written that night is not). */
  statistics(asOf: number): Promise<StatisticsReportEntry[]>;
  constraints(): ConstraintFigures;
  drought(now: number): DroughtFigures;
  paperTests(): PaperTestView[];
  observations(limit: number): Array<{ time: number; cycleId: string | null; topic: string; content: string }>;
  lineage(limit: number): LineageEntry[];
  active(kind: ModuleKind, name: string): ActiveModule | null;
}

export type StatisticsReporter = (asOf: number) => Promise<StatisticsReportEntry[]>;

export function dbContextSources(deps: { db: Db; config: Config; statistics: StatisticsReporter }): ContextSources {
  const { db, config } = deps;
  const versions = versionsRepo(db);
  const fees = feesRepo(db);
  const tests = paperTestsRepo(db);
  const notes = orchestratorRepo(db);
  const count = (sql: string, params: SqlValue[]) => db.prepare(sql).get<{ n: number | null }>(params)?.n ?? null;
  return {
    truth: (now) => truthReport(db, now),
    statistics: deps.statistics,
    constraints: () => {
      const known = new Map(fees.all().map((f) => [f.pair, f]));
      return {
        mode: config.mode,
        pairs: config.pairs,
        timeframe: config.market.timeframe,
        longOnly: true,
        risk: config.risk,
        slippageFraction: config.trading.slippageFraction,
        fees: config.pairs.map((pair) => {
          const f = known.get(pair);
          return f ? { pair, ...f.rates, source: f.source } : { pair, ...config.trading.fallbackFees, source: 'config fallback' };
        }),
      };
    },
    drought: (now) => ({
      lastSignalAt: count('SELECT MAX(created_at) AS n FROM signals WHERE created_at <= ?', [now]),
      signals7d: count('SELECT COUNT(*) AS n FROM signals WHERE created_at > ? AND created_at <= ?', [now - 7 * DAY_MS, now]) ?? 0,
      signals30d: count('SELECT COUNT(*) AS n FROM signals WHERE created_at > ? AND created_at <= ?', [now - 30 * DAY_MS, now]) ?? 0,
      scans24h: count('SELECT COUNT(*) AS n FROM scan_results WHERE created_at > ? AND created_at <= ?', [now - DAY_MS, now]) ?? 0,
      lastScanAt: count('SELECT MAX(created_at) AS n FROM scan_results WHERE created_at <= ?', [now]),
    }),
    paperTests: () => {
      const active = tests.active();
      const finished = db
        .prepare("SELECT id FROM paper_tests WHERE status IN ('passed', 'failed', 'cancelled') ORDER BY updated_at DESC LIMIT 10")
        .all<{ id: string }>();
      return [...active, ...finished.map((r) => tests.byId(r.id)!)].map((t) => ({
        id: t.id,
        versionId: t.versionId,
        status: t.status,
        deadline: t.deadline,
        result: t.result,
        reason: t.reason,
      }));
    },
    observations: (limit) => notes.recentObservations(limit).map((o) => ({ time: o.time, cycleId: o.cycleId, topic: o.topic, content: o.content })),
    lineage: (limit) =>
      versions
        .list()
        .slice(-limit)
        .reverse()
        .map((v) => ({
          versionId: v.id,
          label: v.label,
          kind: v.kind,
          name: v.name,
          parentId: v.parentId,
          status: v.status,
          createdAt: v.createdAt,
          author: v.authorKind === 'human' ? 'human' : `model ${v.authorModel ?? ''}`.trim(),
        })),
    active: (kind, name) => {
      const ptr = versions.active(kind === 'strategy' ? 'strategy' : `statistics:${name}`);
      const v = ptr && versions.get(ptr.versionId);
      return v ? { kind, name, versionId: v.id, label: v.label, source: v.source } : null;
    },
  };
}
