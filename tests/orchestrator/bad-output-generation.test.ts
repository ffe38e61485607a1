import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVING_REVIEW, TWEAK_ANALYSIS, TWEAK_GENERATION } from '../../src/orchestrator/fake-api/scripted-night.ts';
import { reply, type FakeReply } from '../../src/orchestrator/fake-api/script.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { runCase, type BadOutputCase } from './bad-output.corpus.ts';
import { cyclesOf, messagesCalls, type NightHarness } from './night-harness.ts';

let h: NightHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const STRATEGY = readFileSync(join(PROJECT_ROOT, 'strategy/active/strategy.ts'), 'utf8');
const MARKET = readFileSync(join(PROJECT_ROOT, 'statistics/active/market_analysis.ts'), 'utf8');
const ANALYSIS = reply.json(TWEAK_ANALYSIS);
const GOOD = reply.json(TWEAK_GENERATION);
const REVISED = reply.json({
  ...TWEAK_GENERATION,
  edits: [...TWEAK_GENERATION.edits, { search: 'long only with SL/TP.', replace: 'long only with SL/TP; v002: take-profit 5 %.' }],
});
const APPROVE = reply.json(APPROVING_REVIEW);
const edit = (search: string, replace: string): FakeReply => reply.json({ summary: 'an edit', edits: [{ search, replace }], source: null });
const module = (source: string): FakeReply => reply.json({ summary: 'a module', edits: [], source });
const ANCHOR = 'const p = ctx.params;';
const insert = (code: string) => edit(ANCHOR, `${ANCHOR}\n    ${code}`);
const PEEK = insert('const peek = ctx.history.close[ctx.index + 1] ?? bar.close;\n    if (peek > bar.close) return HOLD;');
const screenPeeks = (source: string) =>
  source.includes('ctx.index + 1')
    ? { failedGate: 'look_ahead', reason: 'decisions before the cut differ from the full run at step 1234: the candidate reads later candles' }
    : null;
const secondPrompt = (x: NightHarness) => (JSON.parse(messagesCalls(x)[2]!.body) as { messages: Array<{ content: string }> }).messages[0]!.content;

/** Bad generation and review answers: each is repaired within the bound or refused, with the reason stored. */
const cases: BadOutputCase[] = [
  {
    name: 'generation is not JSON, then a good answer: one bounded repair',
    replies: [ANALYSIS, reply.text('Here is the change you asked for.'), GOOD, APPROVE],
    expect: { outcome: 'submitted', calls: 4, submissions: 1 },
    after: (x) => expect(secondPrompt(x)).toMatch(/previous attempt was refused\n.*not JSON/),
  },
  {
    name: 'generation is never JSON: refused after the last repair',
    settings: { cycle: { maxRepairs: 2 } },
    replies: [ANALYSIS, reply.text('a'), reply.text('b'), reply.text('c')],
    expect: { outcome: 'refused', reason: /not JSON.*no repairs left after 3 attempts/s, calls: 4, submissions: 0 },
  },
  {
    name: 'a search text that is not in the source',
    replies: [ANALYSIS, edit('takeProfit: { default: 0.99', 'x'), GOOD, APPROVE],
    expect: { outcome: 'submitted', calls: 4 },
    after: (x) => expect(secondPrompt(x)).toContain('occurs 0 times'),
  },
  {
    name: 'a search text that occurs many times',
    settings: { cycle: { maxRepairs: 0 } },
    replies: [ANALYSIS, edit('default:', 'default: 1 +')],
    expect: { outcome: 'refused', reason: /occurs 8 times in the current source; it must occur exactly once/ },
  },
  {
    name: 'a tweak that returns a whole module (contradicts its decision)',
    settings: { cycle: { maxRepairs: 0 } },
    replies: [ANALYSIS, reply.json({ summary: 's', edits: [], source: STRATEGY })],
    expect: { outcome: 'refused', reason: /targeted edit, but the answer has no search\/replace blocks/ },
  },
  {
    name: 'a tweak with no edits at all',
    settings: { cycle: { maxRepairs: 0 } },
    replies: [ANALYSIS, reply.json({ summary: 's', edits: [], source: null })],
    expect: { outcome: 'refused', reason: /no search\/replace blocks/ },
  },
  {
    name: 'a "change" whose code is identical to its parent',
    settings: { cycle: { maxRepairs: 0 } },
    replies: [ANALYSIS, edit(ANCHOR, ANCHOR)],
    expect: { outcome: 'refused', reason: /identical to its parent/, submissions: 0 },
  },
  {
    name: 'a market-analysis update whose code is a strategy, then a real statistics module (accepted from the next night)',
    replies: [
      reply.json({ ...TWEAK_ANALYSIS, decision: 'market_analysis_update' }),
      module(STRATEGY),
      module(MARKET.replace("version: 'v001'", "version: 'v002'")),
      APPROVE,
    ],
    expect: { outcome: 'submitted', reason: /statistics version .* accepted, used from/, calls: 4, submissions: 1 },
    after: (x) => expect(secondPrompt(x)).toContain('not a statistics module'),
  },
  {
    name: 'a restructure that returns edits (contradicts its decision)',
    settings: { cycle: { maxRepairs: 0 } },
    replies: [reply.json({ ...TWEAK_ANALYSIS, decision: 'strategy_restructure' }), reply.json(TWEAK_GENERATION)],
    expect: { outcome: 'refused', reason: /needs the whole module, but the answer has no source/ },
  },
  {
    name: 'code that fails the gates (Math.random) goes back with the gate message',
    replies: [ANALYSIS, insert('if (Math.random() < 0.5) return HOLD;'), APPROVE, GOOD, APPROVE],
    expect: { outcome: 'submitted', calls: 5, submissions: 2 },
    after: (x) =>
      expect((JSON.parse(messagesCalls(x)[3]!.body) as { messages: Array<{ content: string }> }).messages[0]!.content).toMatch(
        /static gates refused.*Math\.random/s,
      ),
  },
  {
    name: 'code that fails the type check goes back with the compiler message',
    replies: [ANALYSIS, insert("const wrong: number = 'text';"), APPROVE, GOOD, APPROVE],
    expect: { outcome: 'submitted', calls: 5, submissions: 2 },
    after: (x) =>
      expect(
        cyclesOf(x)
          .answers(cyclesOf(x).recent(1)[0]!.id)
          .map((a) => `${a.step}${a.attempt}`),
      ).toEqual(['analysis1', 'generation1', 'review1', 'generation2', 'review2']),
  },
  {
    name: 'code that reads the environment fails the gates until the repairs run out',
    settings: { cycle: { maxRepairs: 1 } },
    replies: [ANALYSIS, insert("const home = process.env['HOME'];"), APPROVE, insert("const home = process.env['HOME'];")],
    expect: { outcome: 'refused', reason: /same as the previous attempt's.*static gates refused.*process.*no repairs left/s, calls: 4, submissions: 1 },
  },
  {
    name: 'code that names a secret is refused before review, never submitted',
    replies: [ANALYSIS, insert("const key = 'ANTHROPIC_API_KEY';")],
    expect: { outcome: 'refused', reason: /asks for credentials \("ANTHROPIC_API_KEY"\)/, calls: 2, submissions: 0 },
  },
  {
    name: 'a huge module over the size gate',
    replies: [
      reply.json({ ...TWEAK_ANALYSIS, decision: 'strategy_restructure' }),
      module(`${STRATEGY}\n${'// padding\n'.repeat(7000)}`),
      APPROVE,
      module(STRATEGY.replace("version: 'v001'", "version: 'v003'")),
      APPROVE,
    ],
    expect: { outcome: 'submitted', calls: 5 },
    after: (x) => expect(secondPrompt(x)).toBeTruthy(),
  },
  {
    name: 'code that peeks ahead is refused by the pipeline screen, not repaired',
    options: { screen: screenPeeks },
    replies: [ANALYSIS, PEEK, APPROVE],
    expect: { outcome: 'refused', reason: /screen\/look_ahead: .*reads later candles/, calls: 3, submissions: 1 },
  },
  {
    name: 'a candidate identical to one that already failed is refused before review and not evaluated again',
    options: { screen: screenPeeks },
    before: async (x) => {
      x.fake.enqueue(ANALYSIS, PEEK, APPROVE);
      await x.night();
      x.clock.increment(86_400_000);
    },
    replies: [ANALYSIS, PEEK],
    expect: { outcome: 'refused', reason: /identical to one tried before .*screen\/look_ahead/, calls: 2, submissions: 0 },
    after: (x) => expect(JSON.stringify(cyclesOf(x).recent(1)[0]!.context)).toMatch(/stage screen\/look_ahead: .*reads later candles/),
  },
  {
    name: 'the reviewer rejects: nothing is submitted',
    replies: [ANALYSIS, GOOD, reply.json({ verdict: 'reject', concerns: ['the hypothesis cannot be tested in a paper test of this length'], summary: 'no' })],
    expect: { outcome: 'refused', reason: /reviewer rejected.*cannot be tested/s, submissions: 0 },
  },
  {
    name: 'the reviewer asks for a revision: the concerns go back to the generator',
    replies: [
      ANALYSIS,
      GOOD,
      reply.json({ verdict: 'revise', concerns: ['mark the version v002 in the description too'], summary: 'almost' }),
      REVISED,
      APPROVE,
    ],
    expect: { outcome: 'submitted', calls: 5, submissions: 1 },
    after: (x) =>
      expect((JSON.parse(messagesCalls(x)[3]!.body) as { messages: Array<{ content: string }> }).messages[0]!.content).toContain(
        'mark the version v002 in the description too',
      ),
  },
  {
    name: 'an unreadable review: nothing unreviewed is submitted',
    replies: [ANALYSIS, GOOD, reply.text('LGTM')],
    expect: { outcome: 'refused', reason: /review unreadable/, submissions: 0 },
  },
];

describe('bad generation and review answers end in a bounded repair or a clean refusal', () => {
  for (const c of cases) it(c.name, async () => void (h = await runCase(c)), 60_000);
});
