/**
 * Evolution from the console. What the database already holds is read for real: versions and the active
 * pointers, the experiment ledger, paper tests. Promote, rollback and the offline evolver go through the
 * evolution pipeline's port (src/evolution, not built yet): until it exists they say so and name the CLI
 * that works today. The orchestrator's records (thoughts, observations, token use) are in
 * src/control/ops/orchestrator.ts.
 */
import { versionsRepo, type ActivePointer, type VersionRecord } from '../../db/versions.repo.ts';
import { lineDiff } from '../../versions/diff.ts';
import { args, int, word } from '../args.ts';
import { utc } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import type { PipelineOutcome } from '../ports.ts';
import { recentPaperTests } from '../queries.ts';
import { code, done, fields, refused, table, text, title, unavailable, type Reply } from '../reply.ts';
import { repos } from './common.ts';

const VERSION = /^[\w:.-]{2,80}$/;
const versionArg = (optional: boolean) => word('VERSION', VERSION, 'a version id (sha256:…) or label (v002), as /versions shows them', optional);

const author = (v: VersionRecord) => (v.authorKind === 'human' ? 'human' : `model ${v.authorModel ?? ''}`.trim());
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 10);

function versionOf(deps: ControlDeps, idOrLabel: string): VersionRecord | undefined {
  const r = versionsRepo(deps.db);
  return r.get(idOrLabel) ?? r.byLabel('strategy', idOrLabel) ?? r.list().find((v) => v.id.replace(/^sha256:/, '').startsWith(idOrLabel.replace(/^sha256:/, '')));
}

function gateSummary(v: VersionRecord): string {
  const stages = (v.gateResults as { stages?: Array<{ gate?: string; ok?: boolean }> } | null)?.stages;
  if (!Array.isArray(stages) || stages.length === 0) return 'none recorded';
  return stages.map((s) => `${s.gate ?? '?'} ${s.ok === false ? 'failed' : 'passed'}`).join(', ');
}

/** The active strategy pointer and its version, or null before the first deploy. */
export function activeStrategy(deps: ControlDeps): { pointer: ActivePointer; version: VersionRecord } | null {
  const r = versionsRepo(deps.db);
  const pointer = r.active('strategy');
  const version = pointer ? r.get(pointer.versionId) : undefined;
  return pointer && version ? { pointer, version } : null;
}

export const strategy = operation({
  name: 'strategy', group: 'evolution', role: 'viewer', summary: 'The active strategy version: label, id, author, gates, parent',
  args: args({}),
  async run(deps) {
    const active = activeStrategy(deps);
    if (!active) return done(title('Strategy'), text('No strategy deployed yet (the daemon seeds v001 at its first start).'));
    const { pointer: ptr, version: v } = active;
    return done(
      title(`Strategy ${v.label}`),
      fields([
        ['id', v.id], ['status', v.status], ['author', author(v)], ['created', utc(v.createdAt)], ['active since', utc(ptr.switchedAt)],
        ['parent', v.parentId ?? '-'], ['previous', ptr.previousVersionId ?? '-'], ['gates', gateSummary(v)],
      ]),
    );
  },
});

export const versions = operation({
  name: 'versions', group: 'evolution', role: 'viewer', summary: 'Stored strategy versions, newest first (* = active)',
  args: args({ n: int('n', 1, 50, 10) }),
  async run(deps, { n }) {
    const r = versionsRepo(deps.db);
    const active = r.active('strategy')?.versionId;
    const list = r.list('strategy').slice(-n).reverse();
    if (list.length === 0) return done(title('Versions'), text('No versions stored yet.'));
    return done(title('Strategy versions'), table(['', 'label', 'id', 'status', 'author', 'created'], list.map((v) => [v.id === active ? '*' : '', v.label, short(v.id), v.status, author(v), utc(v.createdAt).slice(0, 10)])));
  },
});

export const diff = operation({
  name: 'diff', group: 'evolution', role: 'viewer', summary: 'Source diff of two versions (default: the active one against its parent)',
  args: args({ a: versionArg(true), b: versionArg(true) }),
  async run(deps, { a, b }) {
    const r = versionsRepo(deps.db);
    const activeId = r.active('strategy')?.versionId;
    const newer = versionOf(deps, b ?? (a ? activeId ?? '' : activeId ?? ''));
    const older = a ? versionOf(deps, a) : newer?.parentId ? r.get(newer.parentId) : undefined;
    if (a && !older) return refused('not_found', `No version "${a}"; /versions lists them.`);
    if (!newer) return refused('not_found', b ? `No version "${b}"; /versions lists them.` : 'No active strategy to compare.');
    if (!older) return refused('not_found', `${newer.label} has no parent to compare with; give two versions: /diff A B.`);
    const body = lineDiff(older.source, newer.source);
    return done(title(`Diff ${older.label} → ${newer.label}`), body ? code(body) : text('No differences.'));
  },
});

export const candidates = operation({
  name: 'candidates', group: 'evolution', role: 'viewer', summary: 'Candidate versions waiting for a decision, with their gates',
  args: args({}),
  async run(deps) {
    const list = versionsRepo(deps.db).list().filter((v) => v.status === 'candidate').reverse();
    if (list.length === 0) return done(title('Candidates'), text('No candidates waiting.'));
    return done(title('Candidates'), table(['label', 'id', 'kind', 'author', 'created', 'gates'], list.map((v) => [v.label, short(v.id), v.kind === 'strategy' ? 'strategy' : v.name, author(v), utc(v.createdAt).slice(0, 16), gateSummary(v)])));
  },
});

export const ledger = operation({
  name: 'ledger', group: 'evolution', role: 'viewer', summary: 'The experiment ledger: every candidate evaluated, newest first',
  args: args({ n: int('n', 1, 50, 10) }),
  async run(deps, { n }) {
    const rows = repos(deps).backtests.experiments().slice(-n).reverse();
    const total = repos(deps).backtests.experimentCount();
    if (rows.length === 0) return done(title('Experiment ledger'), text('No candidate evaluated yet.'));
    return done(
      title(`Experiment ledger (${total} trials)`),
      table(['time', 'version', 'sharpe', 'obs', 'passed'], rows.map((e) => [utc(e.createdAt).slice(0, 16), short(e.versionId), e.sharpe.toFixed(2), String(e.nObs), e.passed ? 'yes' : 'no'])),
    );
  },
});

export const papertests = operation({
  name: 'papertests', group: 'evolution', role: 'viewer', summary: 'Paper tests running and finished',
  args: args({ n: int('n', 1, 50, 10) }),
  async run(deps, { n }) {
    const rows = recentPaperTests(deps.db, n);
    if (rows.length === 0) return done(title('Paper tests'), text('No paper test yet.'));
    return done(title('Paper tests'), table(['id', 'version', 'status', 'started', 'deadline', 'why'], rows.map((t) => [t.id, short(t.versionId), t.status, utc(t.startedAt).slice(0, 16), utc(t.deadline).slice(0, 16), t.reason ?? '-'])));
  },
});

function pipelineReply(o: PipelineOutcome): Reply {
  return o.ok ? done(text(o.message)) : refused('refused', o.reason);
}

const PIPELINE = 'The evolution pipeline (src/evolution)';

export const promote = operation({
  name: 'promote', group: 'evolution', role: 'admin', summary: 'Promote a candidate that passed its gates to live trading',
  args: args({ version: versionArg(false) }),
  confirm: ({ version }) => `Promote ${version} to the live strategy slot (hot swap at the next candle)?`,
  precheck(deps, { version }) {
    if (!deps.evolution) return unavailable(PIPELINE, `Meanwhile on the server: \`brain strategy deploy ${version}\` (no gates are re-checked).`);
    return versionOf(deps, version!) ? null : refused('not_found', `No version "${version}"; /candidates and /versions list them.`);
  },
  run: async (deps, { version }, caller) => pipelineReply(await deps.evolution!.promote(versionOf(deps, version!)!.id, caller.who)),
});

export const rollback = operation({
  name: 'rollback', group: 'evolution', role: 'admin', summary: 'Roll the strategy back to its previous good version (or VERSION)',
  args: args({ version: versionArg(true) }),
  confirm: ({ version }) => `Roll the live strategy back to ${version ?? 'its previous good version'}?`,
  precheck(deps, { version }) {
    if (!deps.evolution) return unavailable(PIPELINE, 'Meanwhile on the server: `brain strategy rollback` (the daemon swaps within a minute).');
    return version === undefined || versionOf(deps, version) ? null : refused('not_found', `No version "${version}"; /versions lists them.`);
  },
  run: async (deps, { version }, caller) => pipelineReply(await deps.evolution!.rollback(version === undefined ? null : versionOf(deps, version)!.id, caller.who)),
});

export const evolve = operation({
  name: 'evolve', group: 'evolution', role: 'admin', summary: 'Start an offline evolver run now',
  args: args({}),
  precheck: (deps) => (deps.evolution ? null : unavailable('The offline evolver (src/evolution)', 'The nightly slot will run it once it exists.')),
  run: async (deps, _a, caller) => pipelineReply(await deps.evolution!.evolve(caller.who)),
});
