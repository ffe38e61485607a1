/**
 * The nightly orchestrator's records from the console, each a thin call of its use cases
 * (src/orchestrator/use-cases.ts), the same `brain thoughts` / `brain observations` call: /night (a night's
 * change report), /thoughts and /thought (the stored model answers), /observations, /budget.
 */
import { args, int, word } from '../args.ts';
import { clip, pct, usd, utc } from '../format.ts';
import { operation } from '../operation.ts';
import { costByModel } from '../queries.ts';
import { code, done, fields, refused, table, text, title, type Block } from '../reply.ts';
import { nowOf } from './common.ts';
import {
  budgetStatus,
  nightReport,
  observations as observationsOf,
  readableAnswer,
  recentNights,
  thoughtOf,
  thoughtsOf,
  type NightReport,
} from '../../orchestrator/use-cases.ts';

const CYCLE = word('CYCLE', /^[\w:.-]{1,80}$/, 'a night id, as /night and /thoughts show it', true);

/** The blocks of a change report: decision, hypothesis, diff summary, metrics against the incumbent, gates, cost. */
export function nightReportBlocks(r: NightReport): Block[] {
  return [
    title(`Night ${r.cycleId}: ${r.outcome} (${r.decision})`),
    fields([
      ['finished', utc(r.finishedAt)],
      ['hypothesis', r.hypothesis || '-'],
      ['change', r.diffSummary || '-'],
      ['cost', usd(r.costUsd)],
      ...(r.reason ? [['why', clip(r.reason, 300)] as const] : []),
    ]),
    ...(r.metrics.length > 0
      ? [
          table(
            ['metric', 'candidate', 'incumbent'],
            r.metrics.map((m) => [m.name, m.candidate, m.incumbent]),
          ),
        ]
      : []),
    ...(r.gates.length > 0
      ? [
          table(
            ['gate', 'result', 'detail'],
            r.gates.map((g) => [g.name, g.passed ? 'passed' : 'FAILED', clip(g.detail, 50)]),
          ),
        ]
      : []),
  ];
}

export const night = operation({
  name: 'night',
  group: 'evolution',
  role: 'viewer',
  summary: "The last night's change report (or CYCLE's): hypothesis, change, metrics vs the incumbent, gates, cost",
  args: args({ cycle: CYCLE }),
  async run(deps, { cycle }) {
    const report = nightReport(deps.db, cycle);
    if (report) return done(...nightReportBlocks(report));
    return cycle
      ? refused('not_found', `No finished night "${cycle}"; /thoughts lists the recent ones.`)
      : done(title('Night'), text('No nightly cycle has finished yet.'));
  },
});

export const thoughts = operation({
  name: 'thoughts',
  group: 'evolution',
  role: 'viewer',
  summary: "A night's model answers (default the last night); /thought STEP shows one whole",
  args: args({ cycle: CYCLE }),
  async run(deps, { cycle }) {
    const id = cycle ?? recentNights(deps.db, 1)[0]?.cycle.id;
    if (!id) return done(title('Thoughts'), text('No nightly cycle has run yet.'));
    let spool: ReturnType<typeof thoughtsOf>;
    try {
      spool = thoughtsOf(deps.db, id);
    } catch {
      return refused('not_found', `No night "${id}"; /thoughts without an id shows the last one.`);
    }
    const { night: n, answers } = spool;
    const head = fields([
      ['outcome', `${n.cycle.outcome ?? 'running'} (${n.cycle.mode})`],
      ['calls', String(n.calls)],
      ['cost', usd(n.costUsd)],
    ]);
    if (answers.length === 0)
      return done(title(`Thoughts of ${id}`), head, text('No model answer stored (an offline night, or one that ended before the first call).'));
    const rows = answers.map((a) => [
      a.step,
      String(a.attempt),
      a.model,
      String(a.inputTokens + a.cacheReadTokens),
      String(a.outputTokens),
      usd(a.costUsd),
      clip(readableAnswer(a).replace(/\s+/g, ' '), 40),
    ]);
    return done(title(`Thoughts of ${id}`), head, table(['step', 'try', 'model', 'in', 'out', 'cost', 'begins'], rows));
  },
});

export const thought = operation({
  name: 'thought',
  group: 'evolution',
  role: 'viewer',
  summary: 'One model answer, whole: STEP (analysis, generation, review) of the last night or of CYCLE',
  args: args({ step: word('STEP', /^(analysis|generation|review)$/, 'analysis, generation or review'), attempt: int('ATTEMPT', 1, 20, 1), cycle: CYCLE }),
  async run(deps, { step, attempt, cycle }) {
    const id = cycle ?? recentNights(deps.db, 1)[0]?.cycle.id;
    if (!id) return done(title('Thought'), text('No nightly cycle has run yet.'));
    try {
      const a = thoughtOf(deps.db, id, step!, attempt);
      return done(title(`${a.step} attempt ${a.attempt} of ${id} (${a.model}, ${utc(a.time)}, ${usd(a.costUsd)})`), code(readableAnswer(a)));
    } catch (err) {
      return refused('not_found', `${err instanceof Error ? err.message.replace(/`brain thoughts (\S+)`/, '/thoughts $1') : String(err)}.`);
    }
  },
});

export const observations = operation({
  name: 'observations',
  group: 'evolution',
  role: 'viewer',
  summary: 'What the orchestrator concluded, one per night, newest first',
  args: args({ n: int('n', 1, 30, 5) }),
  async run(deps, { n }) {
    const list = observationsOf(deps.db, n);
    if (list.length === 0) return done(title('Observations'), text('No observation recorded yet.'));
    return done(title('Observations'), text(list.map((o) => `${utc(o.time).slice(0, 10)} · ${o.topic}\n${o.content}`).join('\n\n')));
  },
});

export const budget = operation({
  name: 'budget',
  group: 'evolution',
  role: 'viewer',
  summary: "Model spending today and this month against the orchestrator's budget",
  args: args({}),
  async run(deps) {
    const now = nowOf(deps);
    const b = budgetStatus(deps.db, deps.config.orchestrator, now);
    const d = new Date(now);
    const byModel = costByModel(deps.db, Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), now + 1);
    const share = (spent: number, cap: number) => (cap > 0 ? ` (${pct(spent / cap, 0)})` : '');
    return done(
      title('Model budget'),
      fields([
        ['today', `${usd(b.dayUsd)} of ${usd(b.dailyCapUsd)}${share(b.dayUsd, b.dailyCapUsd)}, ${b.calls} calls`],
        ['this month', `${usd(b.monthUsd)} of ${usd(b.monthlyCapUsd)}${share(b.monthUsd, b.monthlyCapUsd)}`],
        ['model key', deps.config.secrets.anthropicApiKey ? 'set' : 'not set: the offline evolver runs instead'],
      ]),
      ...(byModel.length > 0
        ? [
            table(
              ['model', 'calls', 'tokens', 'cost'],
              byModel.map((m) => [m.model, String(m.calls), String(m.tokens), usd(m.costUsd)]),
            ),
          ]
        : []),
    );
  },
});
