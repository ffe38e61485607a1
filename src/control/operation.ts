/**
 * One operator operation (a status read, a pause, a chart …): a name, a typed argument spec, the least
 * role allowed to run it, and ONE function `run(deps, args, caller)`. The Telegram bot and the `brain`
 * CLI both call it; `/help` and `brain help ctl` are generated from these definitions.
 */
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import type { ComponentHealth } from '../health/readiness.ts';
import type { ArgSpec } from './args.ts';
import type { EvolutionPort, Lifecycle, LogTail, ModePort, OfflineBreaker, SupervisorPort } from './ports.ts';
import type { Reply } from './reply.ts';

export type Role = 'viewer' | 'admin';
export type OperationGroup = 'status' | 'control' | 'evolution' | 'reports';

export const GROUP_TITLES: Record<OperationGroup, string> = {
  status: 'Status',
  control: 'Control',
  evolution: 'Evolution',
  reports: 'Reports and charts',
};

/** Who asks: 'telegram:<user id>' or 'cli:<os user>', and what they may do. */
export interface Caller {
  who: string;
  role: Role;
}

export interface ControlDeps {
  config: Config;
  /** Wall time: timeouts, confirmation expiry, and "now" when the daemon does not answer. */
  clock: Clock;
  /** Read-only where the database is a file (the daemon writes through its own connection). */
  db: Db;
  /** Null when no daemon runs (the CLI on a stopped daemon). */
  supervisor: SupervisorPort | null;
  /** The breaker without a daemon: the CLI only, under the single-instance lock. */
  offlineBreaker: OfflineBreaker | null;
  lifecycle: Lifecycle | null;
  /** The trading mode and the operator's recorded request (/mode); null where it cannot be read. */
  mode: ModePort | null;
  /** The evolution use cases: through the supervisor in the daemon, on the database under the lock from the CLI. */
  evolution: EvolutionPort | null;
  logs: LogTail | null;
  about: { version: string; startedAt: number | null; pid: number };
  /** Messages waiting in the Telegram outbox (null when no bot runs). */
  outboxBacklog: (() => number) | null;
  /** Webhook mode: the Telegram webhook's last check (null with polling); null when no bot runs. */
  telegramWebhook: (() => ComponentHealth | null) | null;
  /** Draws a chart as PNG (src/telegram/charts: the project's vega → resvg pipeline); null: no charts. */
  charts: ChartRenderer | null;
}

/** The series a chart shows; the renderer owns the look. */
export type ChartData =
  | { kind: 'equity' | 'drawdown'; time: number[]; value: number[]; start: number }
  | { kind: 'pnl'; days: Array<{ day: number; pnl: number }> };

export interface ChartRenderer {
  render(chart: ChartData): Promise<Uint8Array>;
}

export interface Operation<A = unknown> {
  readonly name: string;
  /** Other names that run it (e.g. fx for forceexit). */
  readonly aliases?: readonly string[];
  readonly group: OperationGroup;
  /** One line for /help. */
  readonly summary: string;
  readonly args: ArgSpec<A>;
  readonly role: Role;
  /** A stricter role for some arguments (/mode shows the mode to anyone, changes it for admins only). */
  readonly roleFor?: (args: A) => Role;
  /**
   * Dangerous: the question Telegram asks with a confirm button (the CLI asks for --yes), naming
   * exactly what will happen; null when this request is safe after all. Absent for safe operations.
   */
  readonly confirm?: (args: A, deps: ControlDeps) => string | null;
  /** When present and it returns a reply, the operation cannot run now and answers that instead (no confirmation is asked). */
  readonly precheck?: (deps: ControlDeps, args: A) => Reply | null;
  run(deps: ControlDeps, args: A, caller: Caller): Promise<Reply>;
}

/** Keeps each definition's argument type while collecting them in one list. */
export function operation<A>(op: Operation<A>): Operation<unknown> {
  return op as unknown as Operation<unknown>;
}

export const ROLE_RANK: Record<Role, number> = { viewer: 0, admin: 1 };

export function allows(caller: Role, needed: Role): boolean {
  return ROLE_RANK[caller] >= ROLE_RANK[needed];
}
