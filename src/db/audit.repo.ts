/** Who did what, when: operator commands, deploys, rollbacks, breaker trips. Append-only. */
import type { JsonValue } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, toJsonOrNull } from './rows.ts';

export interface AuditEntry {
  time: number;
  /** 'telegram:<user id>', 'cli', 'supervisor', 'orchestrator' ... */
  who: string;
  /** A dotted name, e.g. 'strategy.deployed', 'breaker.tripped'. */
  what: string;
  details: JsonValue | null;
}
export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditRepo {
  record(entry: AuditEntry): number;
  /** Entries with time in [from, to), oldest first. */
  inRange(from: number, to: number): AuditRecord[];
  /** The newest `limit` entries, newest first. */
  recent(limit: number): AuditRecord[];
}

type AuditRow = { id: number; time: number; who: string; what: string; details: string | null };

function fromRow(r: AuditRow): AuditRecord {
  return { id: r.id, time: r.time, who: r.who, what: r.what, details: fromJson<JsonValue>(r.details, `audit_log row ${r.id}`) };
}

export function auditRepo(db: Db): AuditRepo {
  const insert = db.prepare('INSERT INTO audit_log (time, who, what, details) VALUES (?, ?, ?, ?)');
  const selectRange = db.prepare('SELECT * FROM audit_log WHERE time >= ? AND time < ? ORDER BY time, id');
  const selectRecent = db.prepare('SELECT * FROM audit_log ORDER BY time DESC, id DESC LIMIT ?');

  return {
    record: (e) => insert.run([e.time, e.who, e.what, toJsonOrNull(e.details)]).lastInsertRowid,
    inRange: (from, to) => selectRange.all<AuditRow>([from, to]).map(fromRow),
    recent: (limit) => selectRecent.all<AuditRow>([limit]).map(fromRow),
  };
}
