/**
 * Deploy and rollback: ONE use case each, which the supervisor's switch actor, `brain promote` /
 * `brain rollback`, `brain ctl` and the chat bot all call. A deploy makes a version active (with `swap`,
 * only once its child is warm: a failure leaves the incumbent, inv. 5) and marks its ledger row
 * deployed; a version that has not been through the pipeline (no passed paper test, never live) is
 * refused unless forced — a typed refusal, not an exception. A rollback reverts a slot to the previous
 * good version and marks the reverted row rolled back with the trigger and its numbers.
 * Inside a running daemon `control` turns the request into an event to the supervisor (which then runs
 * this same use case in its switch actor); without a daemon the pointer moves in the database and the
 * next boot starts the version. Positions opened by the previous version stay open under the new one
 * (docs/evolution.md).
 */
import type { Clock } from '../clock/clock.ts';
import type { LedgerRepo } from '../db/ledger.repo.ts';
import type { PaperTest, PaperTestsRepo } from '../db/paper-tests.repo.ts';
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
  readonly paperTests: Pick<PaperTestsRepo, 'byVersion'>;
  readonly clock: Pick<Clock, 'now'>;
  /** The live host's hot swap (the supervisor's switch actor); absent, only the pointer moves. */
  readonly swap?: Swapper;
  /** Present inside a running daemon: the request goes to the supervisor as an event. */
  readonly control?: StrategyControl;
}

export type PromoteOutcome =
  | { ok: true; version: VersionRecord; from: string | null }
  /** Not through the pipeline: nothing changed; the same request with `force` deploys it anyway. */
  | { ok: false; code: 'untested'; version: VersionRecord; reason: string };

/**
 * Why a version may not go live without force, or null: it went through the whole pipeline (a paper test
 * passed) or has been live before (deployed, retired). A candidate fresh from the gates, a rejected or a
 * rolled-back version has not earned it.
 */
export function deployRefusal(v: VersionRecord, paperTests: readonly PaperTest[]): string | null {
  if (v.status === 'deployed' || v.status === 'retired') return null;
  if (paperTests.some((t) => t.status === 'passed')) return null;
  const tests = paperTests.length === 0 ? 'no paper test' : `paper tests ${paperTests.map((t) => t.status).join(', ')}`;
  return `${v.label} ${v.id} is ${v.status === 'candidate' ? 'a candidate' : v.status} that has not passed the pipeline (${v.backtestId === null ? 'no backtest' : `backtest ${v.backtestId}`}, ${tests}): it would trade untested`;
}

/** A version by id or label, or a candidate by its content hash (≥ 6 hex digits) in the ledger. */
export function resolveVersion(deps: Pick<DeployDeps, 'store' | 'ledger'>, ref: string): VersionRecord {
  if (/^[0-9a-f]{6,64}$/.test(ref)) {
    const rows = deps.ledger.withHashPrefix(ref).filter((r) => r.versionId !== null && r.evaluatedBy === 'pipeline');
    const ids = new Set(rows.map((r) => r.versionId!));
    if (ids.size > 1) throw new VersionStoreError('unknown_version', `${ref} matches ${ids.size} stored candidates; give more digits`);
    if (ids.size === 1) return deps.store.get([...ids][0]!);
    const seen = deps.ledger.withHashPrefix(ref)[0];
    if (seen)
      throw new VersionStoreError(
        'unknown_version',
        `candidate ${ref} was never stored: it stopped at ${seen.stage}${seen.failedGate ? ` (${seen.failedGate})` : ''}; only a candidate that passed its gates has a version to promote`,
      );
  }
  return deps.store.get(ref);
}

function ledgerDeps(deps: DeployDeps): LedgerDeps {
  return { ledger: deps.ledger, clock: deps.clock };
}

/** Makes the version active and marks its ledger row deployed; an untested version only with `force`. */
export async function promote(deps: DeployDeps, ref: string, by: string, opts: { reason?: string; force?: boolean } = {}): Promise<PromoteOutcome> {
  const version = resolveVersion(deps, ref);
  if (version.kind !== 'strategy')
    throw new VersionStoreError('wrong_kind', `${version.id} is a ${version.kind} module; statistics modules are used from the next night once accepted`);
  const refusal = opts.force ? null : deployRefusal(version, deps.paperTests.byVersion(version.id));
  if (refusal) return { ok: false, code: 'untested', version, reason: refusal };
  const reason = opts.reason ?? (opts.force && deployRefusal(version, deps.paperTests.byVersion(version.id)) ? 'forced by hand, untested' : 'promoted by hand');
  const from = deps.store.repo.active('strategy')?.versionId ?? null;
  if (deps.control) return { ok: true, version: await deps.control.deploy(version.id, by, reason), from };
  await deps.store.deploy(version.id, deps.swap);
  const row = deps.ledger.byVersion(version.id);
  if (row) {
    deps.ledger.update(row.id, { stage: 'deployed', verdict: 'passed', updatedAt: deps.clock.now() });
    recordEvent(ledgerDeps(deps), row.id, 'deployed', { by, reason });
  }
  return { ok: true, version: deps.store.get(version.id), from };
}

/**
 * Reverts a slot (default the strategy) to its previous good version; the reverted one's ledger row
 * records why. A statistics slot never goes through the supervisor: the nightly cycle reads its modules
 * from the pointer when it starts.
 */
export async function rollback(
  deps: DeployDeps,
  by: string,
  trigger: RollbackTrigger | null = null,
  slot = 'strategy',
): Promise<{ from: string; to: VersionRecord }> {
  const from = deps.store.repo.active(slot)?.versionId;
  if (!from) throw new VersionStoreError('no_previous', `no version is active in ${slot}, so there is nothing to roll back`);
  if (deps.control && slot === 'strategy') return { from, to: await deps.control.rollback(by) };
  const to = await deps.store.rollback(slot, slot === 'strategy' ? deps.swap : undefined);
  const row = deps.ledger.byVersion(from);
  if (row) {
    deps.ledger.update(row.id, { stage: 'rolledBack', updatedAt: deps.clock.now() });
    recordEvent(ledgerDeps(deps), row.id, 'rolledBack', { by, to: to.id, trigger });
  }
  const back = deps.ledger.byVersion(to.id);
  if (back) recordEvent(ledgerDeps(deps), back.id, 'reinstated', { by, from });
  return { from, to };
}
