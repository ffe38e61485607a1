/** mode_requests (owned by src/control/ops/mode.ts): the trading mode operators asked for, newest last. */
import type { Db } from './connection.ts';

export type TradingMode = 'paper' | 'live';

export interface ModeRequest {
  id: number;
  mode: TradingMode;
  requestedBy: string;
  requestedAt: number;
}

export interface ModeRequestsRepo {
  record(mode: TradingMode, requestedBy: string, requestedAt: number): ModeRequest;
  /** The request that applies at the next boot, or null when none was ever made. */
  latest(): ModeRequest | null;
}

type Row = { id: number; mode: TradingMode; requested_by: string; requested_at: number };
const fromRow = (r: Row): ModeRequest => ({ id: r.id, mode: r.mode, requestedBy: r.requested_by, requestedAt: r.requested_at });

export function modeRequestsRepo(db: Db): ModeRequestsRepo {
  const insert = db.prepare('INSERT INTO mode_requests (mode, requested_by, requested_at) VALUES (?, ?, ?) RETURNING *');
  const latest = db.prepare('SELECT * FROM mode_requests ORDER BY id DESC LIMIT 1');
  return {
    record: (mode, by, at) => fromRow(insert.get([mode, by, at]) as Row),
    latest: () => {
      const r = latest.get() as Row | undefined;
      return r ? fromRow(r) : null;
    },
  };
}
