/**
 * The version store (DESIGN inv. 6): every module version that passes the gates and the canary is stored
 * immutably (DB row + archive files named by content hash); deploy and rollback switch one pointer per
 * slot inside a transaction, optionally around a hot swap so a failed warm-up leaves the incumbent.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock/clock.ts';
import type { Db } from '../db/connection.ts';
import { versionsRepo, type VersionRecord, type VersionsRepo } from '../db/versions.repo.ts';
import type { CanaryResult } from '../sandbox/canary.ts';
import { lineDiff } from './diff.ts';
import { VersionStoreError } from './errors.ts';
import type { GateIssue, Gates } from '../sandbox/gates/index.ts';
import { ACTIVE_STRATEGY_FILE, type ModuleKind } from '../sandbox/gates/types.ts';

export type Author = { kind: 'human' } | { kind: 'model'; model: string; promptSha256: string };

export interface SubmitInput {
  kind: ModuleKind;
  /** 'strategy' for the strategy; the module's file name (e.g. 'market_analysis') for statistics. */
  name: string;
  source: string;
  author: Author;
  parentId?: string | null;
  label?: string;
}

export type SubmitResult = { ok: true; version: VersionRecord } | { ok: false; issues: GateIssue[] };

export interface VersionStoreDeps {
  db: Db;
  gates: Gates;
  clock: Clock;
  /** Root under which strategy/archive, statistics/archive and the active files are written. */
  filesRoot: string;
  canary(kind: ModuleKind, bundle: string): Promise<CanaryResult>;
}

/** Swaps the running child to `version`, calling `commit` once warm (see LiveStrategy.swap). */
export type Swapper = (version: VersionRecord, commit: () => void) => Promise<void>;

export function slotOf(v: Pick<VersionRecord, 'kind' | 'name'>): string {
  return v.kind === 'strategy' ? 'strategy' : `statistics:${v.name}`;
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

export class VersionStore {
  readonly repo: VersionsRepo;

  constructor(private readonly deps: VersionStoreDeps) {
    this.repo = versionsRepo(deps.db);
  }

  /** The gates every version goes through (where they run, the evolver's parameter parser runs too). */
  get gates(): Gates {
    return this.deps.gates;
  }

  async submit(input: SubmitInput): Promise<SubmitResult> {
    const gated = await this.deps.gates.run({ kind: input.kind, source: input.source, virtualPath: this.activePath(input.kind, input.name) });
    if (!gated.ok) return { ok: false, issues: gated.issues };
    const canary = await this.deps.canary(input.kind, gated.bundle);
    if (!canary.ok) return { ok: false, issues: [{ gate: 'canary', rule: 'determinism', line: 0, column: 0, message: canary.reason }] };
    const label = input.label ?? `v${String(this.repo.list(input.kind).filter((v) => v.name === input.name).length + 1).padStart(3, '0')}`;
    const a = input.author;
    const version = this.repo.insert({
      id: `sha256:${gated.bundleSha256.slice(0, 16)}`,
      kind: input.kind,
      name: input.name,
      label,
      source: input.source,
      sourceSha256: gated.sourceSha256,
      bundle: gated.bundle,
      bundleSha256: gated.bundleSha256,
      parentId: input.parentId ?? null,
      authorKind: a.kind,
      authorModel: a.kind === 'model' ? a.model : null,
      promptSha256: a.kind === 'model' ? a.promptSha256 : null,
      createdAt: this.deps.clock.now(),
      gateResults: { stages: gated.stages, canaryHash: canary.hash },
      backtestId: null,
      status: 'candidate',
    });
    const stem = join(
      this.deps.filesRoot,
      input.kind === 'strategy' ? 'strategy/archive' : 'statistics/archive',
      `${input.name}_${version.label}_${gated.sourceSha256.slice(0, 12)}`,
    );
    writeAtomic(`${stem}.ts`, input.source);
    writeAtomic(`${stem}.bundle.js`, gated.bundle);
    return { ok: true, version };
  }

  get(id: string): VersionRecord {
    const v = this.repo.get(id) ?? this.repo.byLabel('strategy', id);
    if (!v) throw new VersionStoreError('unknown_version', `no version '${id}'; list them with 'brain strategy list'`);
    return v;
  }

  /** Makes `id` active in its slot. With `swap`, the pointer moves only after the new child is warm. */
  async deploy(id: string, swap?: Swapper): Promise<VersionRecord> {
    const v = this.get(id);
    const commit = (): void => this.switchTo(v, 'retired');
    if (swap) await swap(v, commit);
    else commit();
    return v;
  }

  /** Reverts the slot to the previous good version; the reverted one is marked rolled_back. */
  async rollback(slot: string, swap?: Swapper): Promise<VersionRecord> {
    const ptr = this.repo.active(slot);
    if (!ptr) throw new VersionStoreError('no_previous', `slot ${slot} has no active version to roll back`);
    const current = this.get(ptr.versionId);
    const prev = ptr.previousVersionId ? this.repo.get(ptr.previousVersionId) : undefined;
    const target = prev && prev.status !== 'rolled_back' ? prev : this.repo.latestWithStatus(current.kind, current.name, 'retired', current.id);
    if (!target) throw new VersionStoreError('no_previous', `slot ${slot} has no previous good version to roll back to`);
    const commit = (): void => this.switchTo(target, 'rolled_back');
    if (swap) await swap(target, commit);
    else commit();
    return target;
  }

  diff(a: string, b: string): string {
    return lineDiff(this.get(a).source, this.get(b).source);
  }

  private switchTo(v: VersionRecord, oldStatus: 'retired' | 'rolled_back'): void {
    const slot = slotOf(v);
    this.deps.db.transaction(() => {
      const ptr = this.repo.active(slot);
      if (ptr && ptr.versionId !== v.id) this.repo.setStatus(ptr.versionId, oldStatus);
      const previous = ptr?.versionId === v.id ? ptr.previousVersionId : (ptr?.versionId ?? null);
      const nextPrev = oldStatus === 'rolled_back' ? (this.repo.latestWithStatus(v.kind, v.name, 'retired', v.id)?.id ?? null) : previous;
      this.repo.setActive({ slot, versionId: v.id, previousVersionId: nextPrev, switchedAt: this.deps.clock.now() });
      this.repo.setStatus(v.id, 'deployed');
    });
    writeAtomic(join(this.deps.filesRoot, this.activePath(v.kind, v.name)), v.source);
  }

  private activePath(kind: ModuleKind, name: string): string {
    return kind === 'strategy' ? ACTIVE_STRATEGY_FILE : `statistics/active/${name}.ts`;
  }
}
