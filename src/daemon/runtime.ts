/**
 * What the daemon opens during boot (database, lock, pair table, strategy child) and the actors use
 * afterwards. The actors are built before boot — `provide()` needs them when the root actor is created —
 * so they receive `lazy` views that resolve on first use, after the supervisor's openStore/reconcile
 * states have filled the runtime. Using one before that is a boot-order bug and throws saying so.
 */
import type { SupervisorEvent } from '../../machines/supervisor-types.ts';
import type { Db, Repositories } from '../db/index.ts';
import type { PairTable } from '../kraken/pairs.ts';
import type { PidLock } from '../lock/index.ts';
import type { KeyLease } from '../lock/key-lease.ts';
import type { Ledger } from '../trading/portfolio.ts';
import type { LiveStrategy } from '../sandbox/live.ts';
import type { VersionStore } from '../versions/store.ts';
import type { Gates } from '../sandbox/gates/index.ts';
import { BrainError } from '../contract/errors.ts';

export interface Runtime {
  db?: Db;
  repos?: Repositories;
  lock?: PidLock;
  /** Live mode: the Kraken key's lease (one trader per key). */
  lease?: KeyLease;
  table?: PairTable;
  strategy?: LiveStrategy;
  /** The version store and the strategy version the live host runs. */
  versions?: VersionStore;
  strategyVersion?: string;
  /** The static gates every version the daemon stores goes through, run in a gate process that ends when idle. */
  gates?: Gates;
  /** The supervisor's current ledger (the strategy is shown its position and equity from it). */
  ledger?: () => Ledger;
  /** The supervisor itself, for use cases that run inside the daemon and announce by event (a paper test scheduled by the night). */
  supervisor?: { send(event: SupervisorEvent): void };
}

export class BootOrderError extends BrainError<'boot_order'> {
  override readonly name = 'BootOrderError';
  constructor(message: string) {
    super(message, { domain: 'daemon', code: 'boot_order', retryable: false });
  }
}

export function need<K extends keyof Runtime>(rt: Runtime, key: K): NonNullable<Runtime[K]> {
  const v = rt[key];
  if (v === undefined) throw new BootOrderError(`runtime.${key} was used before the supervisor's boot opened it; an actor ran before openStore/reconcile`);
  return v as NonNullable<Runtime[K]>;
}

/** An object whose every property is read from `get()` at the moment of use. */
export function lazy<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get: (_t, key) => {
      const target = get();
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Lazy views of every repository the actors take. */
export function lazyRepos(rt: Runtime): Repositories {
  const repo = <K extends keyof Repositories>(k: K) => lazy(() => need(rt, 'repos')[k] as object) as Repositories[K];
  return {
    get db() {
      return need(rt, 'db');
    },
    candles: repo('candles'),
    orders: repo('orders'),
    fills: repo('fills'),
    positions: repo('positions'),
    signals: repo('signals'),
    snapshots: repo('snapshots'),
    fees: repo('fees'),
    risk: repo('risk'),
    machineSnapshots: repo('machineSnapshots'),
    backtests: repo('backtests'),
    orchestrator: repo('orchestrator'),
    paperTests: repo('paperTests'),
    audit: repo('audit'),
    ledger: repo('ledger'),
    evolution: repo('evolution'),
  };
}
