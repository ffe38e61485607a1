/**
 * Deploy and rollback as use cases (the supervisor's switch actor, `brain promote` / `brain rollback` and
 * the chat bot all call these). A deploy makes a version active (with `swap`, only once its child is warm:
 * a failure leaves the incumbent, inv. 5) and marks its ledger row deployed; a rollback reverts the slot
 * to the previous good version, marks the reverted row rolled back with the trigger and its numbers.
 * Positions opened by the previous version stay open under the new one: their stops and targets stay armed
 * in the shell, and the new version sees them as its own (docs/evolution.md). Inside the daemon, `control`
 * routes the request through the supervisor as an event instead of switching the pointer directly.
 */
import type { Clock } from '../clock/clock.ts';
import type { LedgerRepo } from '../db/ledger.repo.ts';
import type { VersionRecord } from '../db/versions.repo.ts';
import type { Swapper, VersionStore } from '../versions/store.ts';
import { VersionStoreError } from '../versions/errors.ts';
import { recordEvent, type LedgerDeps } from './ledger.ts';
import type { RollbackTrigger } from './triggers.ts';

/** A running daemon's way to switch: the supervisor does it (hot swap at the next candle) and answers. */
export interface StrategyControl {
  deploy(versionId: string, by: string, reason: string): Promise<VersionRecord>;
  rollback(by: string): Promise<VersionRecord>;
}

export interface DeployDeps {
  readonly store: VersionStore;
  readonly ledger: LedgerRepo;
  readonly clock: Pick<Clock, 'now'>;
  /** The live host's hot swap (the supervisor's switch actor); absent, only the pointer moves. */
  readonly swap?: Swapper;
  /** Present inside the daemon (chat bot): the request goes to the supervisor. */
  readonly control?: StrategyControl;
}

/** A version by id or label, or a candidate by its content hash (≥ 6 hex digits) in the ledger. */
export function resolveVersion(deps: Pick<DeployDeps, 'store' | 'ledger'>, ref: string): VersionRecord {
  if (/^[0-9a-f]{6,64}$/.test(ref)) {
    const rows = deps.ledger.withHashPrefix(ref).filter((r) => r.versionId !== null);
    const ids = new Set(rows.map((r) => r.versionId!));
    if (ids.size > 1) throw new VersionStoreError('unknown_version', `${ref} matches ${ids.size} stored candidates; give more digits`);
    if (ids.size === 1) return deps.store.get([...ids][0]!);
    const seen = deps.ledger.withHashPrefix(ref)[0];
    if (seen) throw new VersionStoreError('unknown_version', `candidate ${ref} was never stored: it stopped at ${seen.stage}${seen.failedGate ? ` (${seen.failedGate})` : ''}; only a candidate that passed its gates has a version to promote`);
  }
  return deps.store.get(ref);
}

function ledgerDeps(deps: DeployDeps): LedgerDeps {
  return { ledger: deps.ledger, clock: deps.clock };
}

/** Makes the version active and marks its ledger row deployed. */
export async function promote(deps: DeployDeps, ref: string, by: string, reason = 'promoted by hand'): Promise<VersionRecord> {
  const version = resolveVersion(deps, ref);
  if (version.kind !== 'strategy') throw new VersionStoreError('wrong_kind', `${version.id} is a ${version.kind} module; statistics modules are used from the next night once accepted`);
  if (deps.control) return deps.control.deploy(version.id, by, reason);
  await deps.store.deploy(version.id, deps.swap);
  const row = deps.ledger.byVersion(version.id);
  if (row) {
    deps.ledger.update(row.id, { stage: 'deployed', verdict: 'passed', updatedAt: deps.clock.now() });
    recordEvent(ledgerDeps(deps), row.id, 'deployed', { by, reason });
  }
  return deps.store.get(version.id);
}

/** Reverts the strategy slot to the previous good version; the reverted one's ledger row records why. */
export async function rollback(deps: DeployDeps, by: string, trigger: RollbackTrigger | null = null): Promise<{ from: string; to: VersionRecord }> {
  if (deps.control) {
    const from = deps.store.repo.active('strategy')?.versionId ?? '';
    return { from, to: await deps.control.rollback(by) };
  }
  const from = deps.store.repo.active('strategy')?.versionId;
  if (!from) throw new VersionStoreError('no_previous', 'no strategy is active, so there is nothing to roll back');
  const to = await deps.store.rollback('strategy', deps.swap);
  const row = deps.ledger.byVersion(from);
  if (row) {
    deps.ledger.update(row.id, { stage: 'rolledBack', updatedAt: deps.clock.now() });
    recordEvent(ledgerDeps(deps), row.id, 'rolledBack', { by, to: to.id, trigger });
  }
  const back = deps.ledger.byVersion(to.id);
  if (back) recordEvent(ledgerDeps(deps), back.id, 'reinstated', { by, from });
  return { from, to };
}
