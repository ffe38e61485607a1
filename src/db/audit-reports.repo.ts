/**
 * The daily self-audit's stored reports (src/audit): one row per run with pass/fail, the names of the
 * failed checks and every check's numbers, so an operator can see what was compared and by how much.
 * Not in createRepositories: only src/audit and the health metrics read it, each on the connection it has.
 */
import type { Db } from './connection.ts';
import { fromJson, toJson } from './rows.ts';

export interface AuditCheck {
  /** Stable dotted name, e.g. 'pnl.fillsVsPositions'. */
  readonly name: string;
  /** skip: the inputs are not available where this audit ran (the detail says why and where it does run). */
  readonly status: 'pass' | 'fail' | 'skip';
  /** One sentence: what was compared, what differed, what to do. */
  readonly detail: string;
  readonly numbers: Readonly<Record<string, number>>;
}

export interface AuditReport {
  readonly time: number;
  readonly mode: 'paper' | 'live';
  /** Who ran it: the daily scheduler chore or `brain audit`. */
  readonly trigger: 'schedule' | 'cli';
  readonly passed: boolean;
  readonly checks: readonly AuditCheck[];
}

export interface StoredAuditReport extends AuditReport {
  readonly id: number;
}

export interface AuditReportsRepo {
  save(report: AuditReport): number;
  /** The newest report, or undefined before the first audit. */
  latest(): StoredAuditReport | undefined;
  /** The newest `limit` reports, newest first. */
  recent(limit: number): StoredAuditReport[];
}

type Row = { id: number; time: number; mode: 'paper' | 'live'; trigger: 'schedule' | 'cli'; passed: number; failed: string; checks: string };

function fromRow(r: Row): StoredAuditReport {
  const checks = fromJson<AuditCheck[]>(r.checks, `audit_reports row ${r.id}`) ?? [];
  return { id: r.id, time: r.time, mode: r.mode, trigger: r.trigger, passed: r.passed === 1, checks };
}

export function auditReportsRepo(db: Db): AuditReportsRepo {
  const insert = db.prepare('INSERT INTO audit_reports (time, mode, trigger, passed, failed, checks) VALUES (?, ?, ?, ?, ?, ?)');
  const selectRecent = db.prepare('SELECT * FROM audit_reports ORDER BY time DESC, id DESC LIMIT ?');
  return {
    save: (r) => {
      const failed = r.checks
        .filter((c) => c.status === 'fail')
        .map((c) => c.name)
        .join(',');
      return insert.run([r.time, r.mode, r.trigger, r.passed ? 1 : 0, failed, toJson(r.checks)]).lastInsertRowid;
    },
    latest: () => {
      const row = selectRecent.get<Row>([1]);
      return row && fromRow(row);
    },
    recent: (limit) => selectRecent.all<Row>([limit]).map(fromRow),
  };
}
