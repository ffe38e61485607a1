/**
 * Evolution from the console, each a thin call of the pipeline's use cases (src/evolution): reads on the
 * console's connection (versions, the candidate ledger, paper tests), changes through the EvolutionPort
 * (promote, rollback, evolve, paper tests), which inside the daemon is ONE event to the supervisor and
 * from the CLI with no daemon the database under the lock. The orchestrator's records are in
 * src/control/ops/orchestrator.ts.
 */
import { versionsRepo, type ActivePointer, type VersionRecord } from '../../db/versions.repo.ts';
import type { LedgerRow } from '../../db/ledger.repo.ts';
import { shortHash } from '../../evolution/content.ts';
import { gatesOf, LedgerLookupError, ledgerShow, ledgerTop } from '../../evolution/ledger.ts';
import { listPaperTests, PaperTestError, showPaperTest } from '../../evolution/paper-tests.ts';
import { lineDiff } from '../../versions/diff.ts';
import { args, int, word } from '../args.ts';
import { clip, pct, utc } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import type { PipelineOutcome } from '../ports.ts';
import { code, done, fields, refused, table, text, title, type Reply } from '../reply.ts';
import { needsSupervisor, repos } from './common.ts';

const VERSION = /^[\w:.-]{2,80}$/;
const versionArg = (optional: boolean) =>
  word('VERSION', VERSION, 'a version id (sha256:…), label (v002) or ledger hash, as /versions and /ledger show them', optional);
const PAPER_TEST = word('ID', /^[\w.-]{2,80}$/, 'a paper test id, as /papertests shows them');

const author = (v: VersionRecord) => (v.authorKind === 'human' ? 'human' : `model ${v.authorModel ?? ''}`.trim());
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 10);
const num = (x: number | null) => (x === null ? '-' : x.toPrecision(3));

function versionOf(deps: ControlDeps, idOrLabel: string): VersionRecord | undefined {
  const r = versionsRepo(deps.db);
  return (
    r.get(idOrLabel) ?? r.byLabel('strategy', idOrLabel) ?? r.list().find((v) => v.id.replace(/^sha256:/, '').startsWith(idOrLabel.replace(/^sha256:/, '')))
  );
}

/** The version's policy gates from its ledger row, else its static gates from the store. */
function gateSummary(deps: ControlDeps, v: VersionRecord): string {
  const row = repos(deps).ledger.byVersion(v.id);
  if (row && row.gates.length > 0)
    return gatesOf(row)
      .map((g) => `${g.gate} ${g.passed ? 'passed' : 'failed'}`)
      .join(', ');
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
  name: 'strategy',
  group: 'evolution',
  role: 'viewer',
  summary: 'The active strategy version: label, id, author, gates, parent',
  args: args({}),
  async run(deps) {
    const active = activeStrategy(deps);
    if (!active) return done(title('Strategy'), text('No strategy deployed yet (the daemon seeds v001 at its first start).'));
    const { pointer: ptr, version: v } = active;
    return done(
      title(`Strategy ${v.label}`),
      fields([
        ['id', v.id],
        ['status', v.status],
        ['author', author(v)],
        ['created', utc(v.createdAt)],
        ['active since', utc(ptr.switchedAt)],
        ['parent', v.parentId ?? '-'],
        ['previous', ptr.previousVersionId ?? '-'],
        ['gates', gateSummary(deps, v)],
      ]),
    );
  },
});

export const versions = operation({
  name: 'versions',
  group: 'evolution',
  role: 'viewer',
  summary: 'Stored strategy versions, newest first (* = active)',
  args: args({ n: int('n', 1, 50, 10) }),
  async run(deps, { n }) {
    const r = versionsRepo(deps.db);
    const active = r.active('strategy')?.versionId;
    const list = r.list('strategy').slice(-n).reverse();
    if (list.length === 0) return done(title('Versions'), text('No versions stored yet.'));
    return done(
      title('Strategy versions'),
      table(
        ['', 'label', 'id', 'status', 'author', 'created'],
        list.map((v) => [v.id === active ? '*' : '', v.label, short(v.id), v.status, author(v), utc(v.createdAt).slice(0, 10)]),
      ),
    );
  },
});

export const diff = operation({
  name: 'diff',
  group: 'evolution',
  role: 'viewer',
  summary: 'Source diff of two versions (default: the active one against its parent)',
  args: args({ a: versionArg(true), b: versionArg(true) }),
  async run(deps, { a, b }) {
    const r = versionsRepo(deps.db);
    const activeId = r.active('strategy')?.versionId;
    const newer = versionOf(deps, b ?? activeId ?? '');
    const older = a ? versionOf(deps, a) : newer?.parentId ? r.get(newer.parentId) : undefined;
    if (a && !older) return refused('not_found', `No version "${a}"; /versions lists them.`);
    if (!newer) return refused('not_found', b ? `No version "${b}"; /versions lists them.` : 'No active strategy to compare.');
    if (!older) return refused('not_found', `${newer.label} has no parent to compare with; give two versions: /diff A B.`);
    const body = lineDiff(older.source, newer.source);
    return done(title(`Diff ${older.label} → ${newer.label}`), body ? code(body) : text('No differences.'));
  },
});

const rowLine = (r: LedgerRow) => [shortHash(r.contentHash), r.stage, r.verdict, r.failedGate ?? '', num(r.score), r.originKind, clip(r.diffSummary, 28)];

export const candidates = operation({
  name: 'candidates',
  group: 'evolution',
  role: 'viewer',
  summary: 'Candidates past their gates: in a paper test or waiting for their deploy',
  args: args({ n: int('n', 1, 50, 10) }),
  async run(deps, { n }) {
    const list = repos(deps).ledger.waiting(n);
    if (list.length === 0) return done(title('Candidates'), text('No candidate is past its gates right now; /ledger shows what was tried.'));
    return done(title('Candidates past their gates'), table(['hash', 'stage', 'verdict', 'gate', 'edge', 'origin', 'change'], list.map(rowLine)));
  },
});

function ledgerEntry(deps: ControlDeps, hash: string): Reply {
  try {
    const views = ledgerShow({ ledger: repos(deps).ledger }, hash);
    const r = views[0]!.row;
    return done(
      title(`Candidate ${shortHash(r.contentHash)}`),
      fields([
        ['outcome', `${r.stage} / ${r.verdict}${r.failedGate ? ` — ${r.failedGate}: ${r.reason ?? ''}` : ''}`],
        ['change', r.diffSummary || '-'],
        ['hypothesis', r.hypothesis || '-'],
        ['version', r.versionId ?? '(not stored)'],
        ['origin', r.originKind],
        ['cost', `${r.cpuSeconds.toFixed(1)} s, $${r.usd.toFixed(2)}`],
        ['submissions', String(views.length)],
      ]),
      ...(r.gates.length > 0
        ? [
            table(
              ['gate', 'result', 'value', 'threshold'],
              gatesOf(r).map((g) => [g.gate, g.passed ? 'passed' : 'FAILED', num(g.value), num(g.threshold)]),
            ),
          ]
        : []),
      ...views.flatMap((v) => v.events).map((e) => text(`${utc(e.time)} ${e.kind}`)),
    );
  } catch (err) {
    if (err instanceof LedgerLookupError) return refused('not_found', `${err.message.replace("'brain ledger --top 20'", '/ledger')}.`);
    throw err;
  }
}

export const ledger = operation({
  name: 'ledger',
  group: 'evolution',
  role: 'viewer',
  summary: 'The candidate ledger: the best candidates by OOS edge, or one (HASH) with its gates and steps',
  args: args({ what: word('n|HASH', /^(\d{1,2}|[0-9a-f]{6,64})$/, 'a count up to 50 or a content hash of at least 6 hex digits', true) }),
  async run(deps, { what }) {
    if (what !== undefined && what.length >= 6) return ledgerEntry(deps, what);
    const n = Math.min(50, Math.max(1, Number(what ?? 10)));
    const rows = ledgerTop({ ledger: repos(deps).ledger }, n);
    const trials = new Set(
      repos(deps)
        .ledger.trials()
        .map((t) => t.contentHash),
    ).size;
    if (rows.length === 0) return done(title('Candidate ledger'), text('No candidate submitted yet (the nightly cycle, /evolve, brain strategy submit).'));
    return done(
      title(`Candidate ledger (${trials} trials counted by the deflated Sharpe ratio)`),
      table(['hash', 'stage', 'verdict', 'gate', 'edge', 'origin', 'change'], rows.map(rowLine)),
    );
  },
});

function paperTestDetail(deps: ControlDeps, id: string): Reply {
  try {
    const t = showPaperTest({ paperTests: repos(deps).paperTests }, id);
    const r = (t.result ?? {}) as {
      passed?: boolean;
      reason?: string;
      shadow?: { trades: number; totalReturn: number };
      incumbent?: { totalReturn: number } | null;
      drift?: unknown[];
    };
    return done(
      title(`Paper test ${t.id}`),
      fields([
        ['version', t.versionId],
        ['against', t.baselineVersionId ?? '-'],
        ['status', t.status],
        ['started', utc(t.startedAt)],
        ['deadline', utc(t.deadline)],
        ['ended', utc(t.endedAt)],
        ['shadow', r.shadow ? `${r.shadow.trades} trades, ${pct(r.shadow.totalReturn)}` : '-'],
        ['incumbent', r.incumbent ? pct(r.incumbent.totalReturn) : '-'],
        ['drift', r.drift ? `${r.drift.length} trade(s) differ from the backtest replay` : '-'],
        ['why', t.reason ?? r.reason ?? '-'],
      ]),
    );
  } catch (err) {
    if (err instanceof PaperTestError) return refused('not_found', `No paper test "${id}"; /papertests lists them.`);
    throw err;
  }
}

export const papertests = operation({
  name: 'papertests',
  group: 'evolution',
  role: 'viewer',
  summary: 'Paper tests, newest first, or one (ID) with its verdict',
  args: args({ what: word('n|ID', /^[\w.-]{1,80}$/, 'a count or a paper test id', true) }),
  async run(deps, { what }) {
    if (what !== undefined && !/^\d{1,2}$/.test(what)) return paperTestDetail(deps, what);
    const rows = listPaperTests({ paperTests: repos(deps).paperTests }, { all: true }).slice(0, Number(what ?? 10));
    if (rows.length === 0) return done(title('Paper tests'), text('No paper test yet.'));
    return done(
      title('Paper tests'),
      table(
        ['id', 'version', 'status', 'started', 'deadline', 'why'],
        rows.map((t) => [t.id, short(t.versionId), t.status, utc(t.startedAt).slice(0, 16), utc(t.deadline).slice(0, 16), t.reason ?? '-']),
      ),
    );
  },
});

function pipelineReply(o: PipelineOutcome): Reply {
  return o.ok ? done(text(o.message)) : refused(o.code ?? 'refused', o.reason);
}

/** The evolution port is there (daemon or database); in the daemon the supervisor must be running to switch. */
function pipelineReady(deps: ControlDeps): Reply | null {
  if (!deps.evolution) return refused('unavailable', 'The evolution use cases are not reachable from here.');
  return deps.supervisor ? needsSupervisor(deps) : null;
}

export const promote = operation({
  name: 'promote',
  group: 'evolution',
  role: 'admin',
  summary: 'Deploy a version (hot swap at the next candle); one that has not passed the pipeline needs force',
  args: args({ version: versionArg(false), force: word('force', /^force$/, 'the word force (deploy even if it has not passed the pipeline)', true) }),
  confirm: ({ version, force }) =>
    `Deploy ${version} to the live strategy slot (hot swap at the next candle)?${force ? ' FORCED: even if it has not passed the pipeline.' : ''}`,
  precheck: (deps) => pipelineReady(deps),
  run: async (deps, { version, force }, caller) => pipelineReply(await deps.evolution!.promote(version!, caller.who, force === 'force')),
});

export const rollback = operation({
  name: 'rollback',
  group: 'evolution',
  role: 'admin',
  summary: 'Roll the strategy (or statistics:NAME) back to its previous good version',
  args: args({ slot: word('SLOT', /^(strategy|statistics:\w{1,40})$/, 'strategy or statistics:<name>', true) }),
  confirm: ({ slot }) => `Roll ${slot ?? 'the live strategy'} back to its previous good version?`,
  precheck: (deps) => pipelineReady(deps),
  run: async (deps, { slot }, caller) => pipelineReply(await deps.evolution!.rollback(slot ?? 'strategy', caller.who)),
});

export const evolve = operation({
  name: 'evolve',
  group: 'evolution',
  role: 'admin',
  summary: "Start the offline evolver now on the active strategy's parameters (no model, no cost)",
  args: args({}),
  precheck: (deps) => pipelineReady(deps),
  run: async (deps, _a, caller) => pipelineReply(await deps.evolution!.evolve(caller.who)),
});

export const startPaperTest = operation({
  name: 'startpapertest',
  group: 'evolution',
  role: 'admin',
  summary: 'Start a paper test another process scheduled (brain evolve and brain strategy submit send this)',
  args: args({ id: PAPER_TEST }),
  precheck: (deps) => pipelineReady(deps),
  run: async (deps, { id }) => pipelineReply(await deps.evolution!.startPaperTest(id!)),
});

export const cancelPaperTest = operation({
  name: 'cancelpapertest',
  group: 'evolution',
  role: 'admin',
  summary: 'Cancel a scheduled or running paper test; nothing is deployed',
  args: args({ id: PAPER_TEST }),
  confirm: ({ id }) => `Cancel paper test ${id}? Its candidate will not be deployed.`,
  precheck: (deps) => pipelineReady(deps),
  run: async (deps, { id }, caller) => pipelineReply(await deps.evolution!.cancelPaperTest(id!, caller.who)),
});
