/**
 * Paper tests of candidate versions. The deadline is an absolute time (ms) so a restarted paperTest
 * actor re-arms its timer from `deadline − now` (XState does not persist pending `after` timers).
 */
import type { JsonValue } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, runUnique, toJsonOrNull } from './rows.ts';
import { DbError } from './errors.ts';

export const PAPER_TEST_STATUSES = ['scheduled', 'running', 'evaluating', 'passed', 'failed', 'cancelled'] as const;
export type PaperTestStatus = (typeof PAPER_TEST_STATUSES)[number];

export interface PaperTest {
  id: string;
  versionId: string;
  /** The incumbent it is compared with, if any. */
  baselineVersionId: string | null;
  status: PaperTestStatus;
  startedAt: number | null;
  deadline: number;
  endedAt: number | null;
  result: JsonValue | null;
  reason: string | null;
  /** The code of the failure that broke the test (shadow, judge), beside `reason`; null when its verdict failed it. Never set at insert. */
  errorCode?: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PaperTestUpdate {
  status: PaperTestStatus;
  updatedAt: number;
  /** Left unchanged when omitted. */
  startedAt?: number;
  endedAt?: number;
  result?: JsonValue;
  reason?: string;
  errorCode?: string;
}

export interface PaperTestsRepo {
  /** Throws DbError('duplicate') when the id exists. */
  insert(test: PaperTest): void;
  /** Throws DbError('not_found') when the id is unknown. */
  update(id: string, update: PaperTestUpdate): PaperTest;
  byId(id: string): PaperTest | undefined;
  /** Tests not yet finished (scheduled, running, evaluating), oldest first. */
  active(): PaperTest[];
  byVersion(versionId: string): PaperTest[];
  /** Every test, newest first. */
  all(): PaperTest[];
}

type PaperTestRow = {
  id: string;
  version_id: string;
  baseline_version_id: string | null;
  status: PaperTestStatus;
  started_at: number | null;
  deadline: number;
  ended_at: number | null;
  result: string | null;
  reason: string | null;
  error_code?: string | null;
  created_at: number;
  updated_at: number;
};

function toRow(t: PaperTest): PaperTestRow {
  return {
    id: t.id,
    version_id: t.versionId,
    baseline_version_id: t.baselineVersionId,
    status: t.status,
    started_at: t.startedAt,
    deadline: t.deadline,
    ended_at: t.endedAt,
    result: toJsonOrNull(t.result),
    reason: t.reason,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}

function fromRow(r: PaperTestRow): PaperTest {
  return {
    id: r.id,
    versionId: r.version_id,
    baselineVersionId: r.baseline_version_id,
    status: r.status,
    startedAt: r.started_at,
    deadline: r.deadline,
    endedAt: r.ended_at,
    result: fromJson<JsonValue>(r.result, `paper_tests row ${r.id}`),
    reason: r.reason,
    errorCode: r.error_code ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function paperTestsRepo(db: Db): PaperTestsRepo {
  const insert = db.prepare(
    `INSERT INTO paper_tests (id, version_id, baseline_version_id, status, started_at, deadline, ended_at, result, reason, created_at, updated_at)
     VALUES (:id, :version_id, :baseline_version_id, :status, :started_at, :deadline, :ended_at, :result, :reason, :created_at, :updated_at)`,
  );
  const update = db.prepare(
    `UPDATE paper_tests SET status = :status, updated_at = :updated_at, started_at = COALESCE(:started_at, started_at),
       ended_at = COALESCE(:ended_at, ended_at), result = COALESCE(:result, result), reason = COALESCE(:reason, reason),
       error_code = COALESCE(:error_code, error_code)
     WHERE id = :id`,
  );
  const selectOne = db.prepare('SELECT * FROM paper_tests WHERE id = ?');
  const selectActive = db.prepare("SELECT * FROM paper_tests WHERE status IN ('scheduled', 'running', 'evaluating') ORDER BY created_at, id");
  const selectByVersion = db.prepare('SELECT * FROM paper_tests WHERE version_id = ? ORDER BY created_at, id');
  const selectAll = db.prepare('SELECT * FROM paper_tests ORDER BY created_at DESC, id DESC');
  const byId = (id: string): PaperTest | undefined => {
    const row = selectOne.get<PaperTestRow>([id]);
    return row && fromRow(row);
  };

  return {
    insert: (t) => void runUnique(insert, toRow(t), `paper test ${t.id} already exists; use update() to change it`),
    update: (id, u) => {
      const { changes } = update.run({
        id,
        status: u.status,
        updated_at: u.updatedAt,
        started_at: u.startedAt ?? null,
        ended_at: u.endedAt ?? null,
        result: toJsonOrNull(u.result),
        reason: u.reason ?? null,
        error_code: u.errorCode ?? null,
      });
      const test = changes === 1 ? byId(id) : undefined;
      if (!test) throw new DbError('not_found', `cannot set paper test ${id} to ${u.status}: no such id; insert it first`);
      return test;
    },
    byId,
    active: () => selectActive.all<PaperTestRow>().map(fromRow),
    byVersion: (versionId) => selectByVersion.all<PaperTestRow>([versionId]).map(fromRow),
    all: () => selectAll.all<PaperTestRow>().map(fromRow),
  };
}
