/** mode_requests (owned by src/control/ops/mode.ts): the trading mode operators asked for, newest last. */
import type { Db } from './connection.ts';

export type TradingMode = 'paper' | 'live';
/** What an operator can record: a mode, or 'config' to clear the request so the configuration decides. */
export type ModeChoice = TradingMode | 'config';

export interface ModeRequest {
  id: number;
  mode: ModeChoice;
  requestedBy: string;
  requestedAt: number;
}

export interface ModeRequestsRepo {
  record(mode: ModeChoice, requestedBy: string, requestedAt: number): ModeRequest;
  /** The newest row (a 'config' row clears the ones before it), or null when none was ever made. */
  latest(): ModeRequest | null;
}

type Row = { id: number; mode: ModeChoice; requested_by: string; requested_at: number };
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

/** The recorded mode that applies at the next boot: the newest row unless it cleared the request. */
export const recordedMode = (latest: ModeRequest | null): (ModeRequest & { mode: TradingMode }) | null =>
  latest && latest.mode !== 'config' ? (latest as ModeRequest & { mode: TradingMode }) : null;

/** How a recorded request names itself as the config layer that set the mode (`brain config`, /mode, the boot log). */
export const requestSource = (r: ModeRequest): string => `request by ${r.requestedBy} at ${new Date(r.requestedAt).toISOString()} (/mode)`;
export const isRequestSource = (source: string): boolean => source.endsWith('(/mode)');
