/**
 * strategy_versions / active_versions (owned by src/versions). Version rows are immutable (triggers in
 * 0001_core.sql); only status, gate results and the backtest link change. The active pointer per slot
 * ('strategy' | 'statistics:<name>') is switched in one statement inside the caller's transaction.
 */
import type { Db } from './connection.ts';
import { fromJson, toJson } from './rows.ts';

export type VersionKind = 'strategy' | 'statistics';
export type VersionStatus = 'candidate' | 'deployed' | 'retired' | 'rolled_back' | 'rejected';

export interface VersionRecord {
  id: string;
  kind: VersionKind;
  name: string;
  label: string;
  source: string;
  sourceSha256: string;
  bundle: string;
  bundleSha256: string;
  parentId: string | null;
  authorKind: 'human' | 'model';
  authorModel: string | null;
  promptSha256: string | null;
  createdAt: number;
  gateResults: unknown;
  backtestId: number | null;
  status: VersionStatus;
}

export interface ActivePointer {
  slot: string;
  versionId: string;
  previousVersionId: string | null;
  switchedAt: number;
}

interface Row {
  id: string;
  kind: VersionKind;
  name: string;
  label: string;
  source: string;
  source_sha256: string;
  bundle: string;
  bundle_sha256: string;
  parent_id: string | null;
  author_kind: 'human' | 'model';
  author_model: string | null;
  prompt_sha256: string | null;
  created_at: number;
  gate_results: string;
  backtest_id: number | null;
  status: VersionStatus;
}

function toRecord(r: Row): VersionRecord {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    label: r.label,
    source: r.source,
    sourceSha256: r.source_sha256,
    bundle: r.bundle,
    bundleSha256: r.bundle_sha256,
    parentId: r.parent_id,
    authorKind: r.author_kind,
    authorModel: r.author_model,
    promptSha256: r.prompt_sha256,
    createdAt: r.created_at,
    gateResults: fromJson(r.gate_results, `strategy_versions ${r.id}.gate_results`),
    backtestId: r.backtest_id,
    status: r.status,
  };
}

export interface VersionsRepo {
  /** Inserts a new version; an existing id (same bundle) is left as is and returned. */
  insert(v: VersionRecord): VersionRecord;
  get(id: string): VersionRecord | undefined;
  byLabel(kind: VersionKind, label: string): VersionRecord | undefined;
  list(kind?: VersionKind): VersionRecord[];
  setStatus(id: string, status: VersionStatus): void;
  setBacktest(id: string, backtestId: number): void;
  active(slot: string): ActivePointer | undefined;
  setActive(p: ActivePointer): void;
  /** Newest version of kind/name with this status, other than `exceptId`. */
  latestWithStatus(kind: VersionKind, name: string, status: VersionStatus, exceptId: string): VersionRecord | undefined;
}

export function versionsRepo(db: Db): VersionsRepo {
  const cols =
    'id, kind, name, label, source, source_sha256, bundle, bundle_sha256, parent_id, author_kind, author_model, prompt_sha256, created_at, gate_results, backtest_id, status';
  const get = db.prepare(`SELECT ${cols} FROM strategy_versions WHERE id = ?`);
  const insert = db.prepare(`INSERT OR IGNORE INTO strategy_versions (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byLabel = db.prepare(`SELECT ${cols} FROM strategy_versions WHERE kind = ? AND label = ? ORDER BY created_at DESC LIMIT 1`);
  const listAll = db.prepare(`SELECT ${cols} FROM strategy_versions ORDER BY created_at, id`);
  const listKind = db.prepare(`SELECT ${cols} FROM strategy_versions WHERE kind = ? ORDER BY created_at, id`);
  const setStatus = db.prepare('UPDATE strategy_versions SET status = ? WHERE id = ?');
  const setBacktest = db.prepare('UPDATE strategy_versions SET backtest_id = ? WHERE id = ?');
  const active = db.prepare('SELECT slot, version_id, previous_version_id, switched_at FROM active_versions WHERE slot = ?');
  const upsertActive = db.prepare(
    'INSERT INTO active_versions (slot, version_id, previous_version_id, switched_at) VALUES (?, ?, ?, ?) ON CONFLICT(slot) DO UPDATE SET version_id = excluded.version_id, previous_version_id = excluded.previous_version_id, switched_at = excluded.switched_at',
  );
  const latest = db.prepare(
    `SELECT ${cols} FROM strategy_versions WHERE kind = ? AND name = ? AND status = ? AND id <> ? ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const one = (r: Row | undefined): VersionRecord | undefined => (r ? toRecord(r) : undefined);
  return {
    insert(v) {
      insert.run([
        v.id,
        v.kind,
        v.name,
        v.label,
        v.source,
        v.sourceSha256,
        v.bundle,
        v.bundleSha256,
        v.parentId,
        v.authorKind,
        v.authorModel,
        v.promptSha256,
        v.createdAt,
        toJson(v.gateResults),
        v.backtestId,
        v.status,
      ]);
      return toRecord(get.get<Row>([v.id])!);
    },
    get: (id) => one(get.get<Row>([id])),
    byLabel: (kind, label) => one(byLabel.get<Row>([kind, label])),
    list: (kind) => (kind ? listKind.all<Row>([kind]) : listAll.all<Row>()).map(toRecord),
    setStatus: (id, status) => void setStatus.run([status, id]),
    setBacktest: (id, backtestId) => void setBacktest.run([backtestId, id]),
    active(slot) {
      const r = active.get<{ slot: string; version_id: string; previous_version_id: string | null; switched_at: number }>([slot]);
      return r ? { slot: r.slot, versionId: r.version_id, previousVersionId: r.previous_version_id, switchedAt: r.switched_at } : undefined;
    },
    setActive: (p) => void upsertActive.run([p.slot, p.versionId, p.previousVersionId, p.switchedAt]),
    latestWithStatus: (kind, name, status, exceptId) => one(latest.get<Row>([kind, name, status, exceptId])),
  };
}
