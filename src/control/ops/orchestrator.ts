/**
 * The nightly orchestrator's records: /night (the last cycle's change report), /thoughts, /thought,
 * /observations, /budget. They read the orchestrator tables directly; /night takes the orchestrator's
 * own report through its port when it exists (src/orchestrator) and otherwise shows the cycle's log.
 */
import { utcDayStart } from '../../clock/time.ts';
import { args, int, word } from '../args.ts';
import { clip, pct, usd, utc } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import type { NightReport } from '../ports.ts';
import { costByModel, cycleCost, lastCycleId, thoughtById } from '../queries.ts';
import { code, done, fields, refused, table, text, title, type Block } from '../reply.ts';
import { nowOf, repos } from './common.ts';

/** The blocks of a change report: decision, hypothesis, diff summary, metrics against the incumbent, gates, cost. */
export function nightReportBlocks(r: NightReport): Block[] {
  return [
    title(`Night ${r.cycleId}: ${r.decision}`),
    fields([['finished', utc(r.finishedAt)], ['hypothesis', r.hypothesis || '-'], ['change', r.diffSummary || '-'], ['cost', usd(r.costUsd)]]),
    ...(r.metrics.length > 0 ? [table(['metric', 'candidate', 'incumbent'], r.metrics.map((m) => [m.name, m.candidate, m.incumbent]))] : []),
    ...(r.gates.length > 0 ? [table(['gate', 'result', 'detail'], r.gates.map((g) => [g.name, g.passed ? 'passed' : 'FAILED', clip(g.detail, 50)]))] : []),
  ];
}

function cycleLog(deps: ControlDeps, cycleId: string): Block[] {
  const log = repos(deps).orchestrator.logOfCycle(cycleId);
  const cost = cycleCost(deps.db, cycleId);
  return [
    title(`Night ${cycleId}`),
    text('The orchestrator report is not built yet (src/orchestrator); this is the cycle as logged.'),
    ...(log.length > 0 ? [table(['time', 'step', 'level', 'message'], log.map((l) => [utc(l.time).slice(11, 16), l.step, l.level, clip(l.message, 60)]))] : []),
    fields([['model calls', String(cost.calls)], ['cost', usd(cost.costUsd)]]),
  ];
}

export const night = operation({
  name: 'night', group: 'evolution', role: 'viewer', summary: "The last nightly cycle's change report",
  args: args({}),
  async run(deps) {
    const report = await deps.orchestrator?.lastReport();
    if (report) return done(...nightReportBlocks(report));
    const cycle = lastCycleId(deps.db);
    if (!cycle) return done(title('Night'), text('No nightly cycle has run yet.'));
    return done(...cycleLog(deps, cycle));
  },
});

export const thoughts = operation({
  name: 'thoughts', group: 'evolution', role: 'viewer', summary: "A cycle's model responses (default the last cycle); /thought ID shows one whole",
  args: args({ cycle: word('CYCLE', /^[\w:.-]{1,80}$/, 'a cycle id, as /night shows it', true) }),
  async run(deps, { cycle }) {
    const id = cycle ?? lastCycleId(deps.db);
    if (!id) return done(title('Thoughts'), text('No nightly cycle has run yet.'));
    const list = repos(deps).orchestrator.thoughtsOfCycle(id);
    if (list.length === 0) return refused('not_found', `No thoughts stored for cycle "${id}".`);
    return done(title(`Thoughts of ${id}`), table(['id', 'time', 'step', 'begins'], list.map((t) => [String(t.id), utc(t.time).slice(11, 16), t.step, clip(t.content.replace(/\s+/g, ' '), 50)])));
  },
});

export const thought = operation({
  name: 'thought', group: 'evolution', role: 'viewer', summary: 'One model response, whole',
  args: args({ id: int('ID', 1, Number.MAX_SAFE_INTEGER) }),
  async run(deps, { id }) {
    const t = thoughtById(deps.db, id);
    if (!t) return refused('not_found', `No thought ${id}; /thoughts lists a cycle's ids.`);
    return done(title(`Thought ${t.id} (${t.step}, cycle ${t.cycleId ?? '-'}, ${utc(t.time)})`), code(t.content));
  },
});

export const observations = operation({
  name: 'observations', group: 'evolution', role: 'viewer', summary: 'What the orchestrator concluded, newest first',
  args: args({ n: int('n', 1, 30, 5) }),
  async run(deps, { n }) {
    const list = repos(deps).orchestrator.recentObservations(n);
    if (list.length === 0) return done(title('Observations'), text('No observation recorded yet.'));
    return done(title('Observations'), text(list.map((o) => `${utc(o.time).slice(0, 10)} · ${o.topic}\n${o.content}`).join('\n\n')));
  },
});

export const budget = operation({
  name: 'budget', group: 'evolution', role: 'viewer', summary: "Model spending today and this month against the orchestrator's budget",
  args: args({}),
  async run(deps) {
    const now = nowOf(deps);
    const today = utcDayStart(now);
    const d = new Date(now);
    const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const o = deps.config.orchestrator;
    const spentToday = repos(deps).orchestrator.tokenTotals(today, now + 1);
    const spentMonth = repos(deps).orchestrator.tokenTotals(month, now + 1);
    const share = (spent: number, cap: number) => (cap > 0 ? ` (${pct(spent / cap, 0)})` : '');
    const byModel = costByModel(deps.db, month, now + 1);
    return done(
      title('Model budget'),
      fields([
        ['today', `${usd(spentToday.costUsd)} of ${usd(o.dailyBudgetUsd)}${share(spentToday.costUsd, o.dailyBudgetUsd)}, ${spentToday.calls} calls`],
        ['this month', `${usd(spentMonth.costUsd)} of ${usd(o.monthlyBudgetUsd)}${share(spentMonth.costUsd, o.monthlyBudgetUsd)}, ${spentMonth.calls} calls`],
        ['model key', deps.config.secrets.anthropicApiKey ? 'set' : 'not set: the offline evolver runs instead'],
      ]),
      ...(byModel.length > 0 ? [table(['model', 'calls', 'tokens', 'cost'], byModel.map((m) => [m.model, String(m.calls), String(m.tokens), usd(m.costUsd)]))] : []),
    );
  },
});
