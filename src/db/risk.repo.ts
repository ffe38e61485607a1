/**
 * Durable state that must survive a restart (DESIGN: persisted breaker, re-spawned actors): the circuit
 * breaker's single row and one persisted XState snapshot per durable actor, tagged with its machine version.
 */
import type { Db } from './connection.ts';
import { fromJson, toJson } from './rows.ts';

export type BreakerState = 'active' | 'reducing' | 'halted';

export interface RiskState {
  state: BreakerState;
  reason: string | null;
  /** When the breaker entered `state` (ms). */
  since: number;
  consecutiveLosses: number;
  /** UTC midnight (ms) of the day `dayStartEquity` belongs to. */
  dayStart: number;
  dayStartEquity: number;
  peakEquity: number;
  updatedAt: number;
}

export interface MachineSnapshotRecord {
  actorId: string;
  machine: string;
  machineVersion: string;
  /** The actor's getPersistedSnapshot(), JSON-safe. */
  snapshot: unknown;
  updatedAt: number;
}

export interface RiskRepo {
  get(): RiskState | undefined;
  save(state: RiskState): void;
}

export interface MachineSnapshotsRepo {
  /** Inserts or replaces the actor's row. */
  save(record: MachineSnapshotRecord): void;
  get(actorId: string): MachineSnapshotRecord | undefined;
  /** Every row, or only those of one machine, by actor id. */
  list(machine?: string): MachineSnapshotRecord[];
  /** Returns whether a row was removed (a finished actor drops its snapshot). */
  delete(actorId: string): boolean;
}

type RiskRow = {
  state: BreakerState;
  reason: string | null;
  since: number;
  consecutive_losses: number;
  day_start: number;
  day_start_equity: number;
  peak_equity: number;
  updated_at: number;
};

function riskFromRow(r: RiskRow): RiskState {
  return {
    state: r.state,
    reason: r.reason,
    since: r.since,
    consecutiveLosses: r.consecutive_losses,
    dayStart: r.day_start,
    dayStartEquity: r.day_start_equity,
    peakEquity: r.peak_equity,
    updatedAt: r.updated_at,
  };
}

function riskToRow(s: RiskState): RiskRow {
  return {
    state: s.state,
    reason: s.reason,
    since: s.since,
    consecutive_losses: s.consecutiveLosses,
    day_start: s.dayStart,
    day_start_equity: s.dayStartEquity,
    peak_equity: s.peakEquity,
    updated_at: s.updatedAt,
  };
}

export function riskRepo(db: Db): RiskRepo {
  const select = db.prepare('SELECT * FROM risk_state WHERE id = 1');
  const save = db.prepare(
    `INSERT OR REPLACE INTO risk_state (id, state, reason, since, consecutive_losses, day_start, day_start_equity, peak_equity, updated_at)
     VALUES (1, :state, :reason, :since, :consecutive_losses, :day_start, :day_start_equity, :peak_equity, :updated_at)`,
  );
  return {
    get: () => {
      const row = select.get<RiskRow>();
      return row && riskFromRow(row);
    },
    save: (s) => void save.run(riskToRow(s)),
  };
}

type SnapshotRow = { actor_id: string; machine: string; machine_version: string; snapshot: string; updated_at: number };

function snapshotFromRow(r: SnapshotRow): MachineSnapshotRecord {
  return {
    actorId: r.actor_id,
    machine: r.machine,
    machineVersion: r.machine_version,
    snapshot: fromJson<unknown>(r.snapshot, `machine_snapshots row ${r.actor_id}`),
    updatedAt: r.updated_at,
  };
}

export function machineSnapshotsRepo(db: Db): MachineSnapshotsRepo {
  const save = db.prepare('INSERT OR REPLACE INTO machine_snapshots (actor_id, machine, machine_version, snapshot, updated_at) VALUES (?, ?, ?, ?, ?)');
  const selectOne = db.prepare('SELECT * FROM machine_snapshots WHERE actor_id = ?');
  const selectList = db.prepare('SELECT * FROM machine_snapshots WHERE (:machine IS NULL OR machine = :machine) ORDER BY actor_id');
  const remove = db.prepare('DELETE FROM machine_snapshots WHERE actor_id = ?');
  return {
    save: (r) => void save.run([r.actorId, r.machine, r.machineVersion, toJson(r.snapshot), r.updatedAt]),
    get: (actorId) => {
      const row = selectOne.get<SnapshotRow>([actorId]);
      return row && snapshotFromRow(row);
    },
    list: (machine) => selectList.all<SnapshotRow>({ machine: machine ?? null }).map(snapshotFromRow),
    delete: (actorId) => remove.run([actorId]).changes === 1,
  };
}
