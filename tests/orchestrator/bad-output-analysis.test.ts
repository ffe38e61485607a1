import { afterEach, describe, expect, it } from 'vitest';
import { NO_CHANGE_ANALYSIS, TWEAK_ANALYSIS, tweakNight } from '../../src/orchestrator/fake-api/scripted-night.ts';
import { reply } from '../../src/orchestrator/fake-api/script.ts';
import { runCase, type BadOutputCase } from './bad-output.corpus.ts';
import { cyclesOf, messagesCalls, type NightHarness } from './night-harness.ts';

let h: NightHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const [, GENERATION, REVIEW] = tweakNight();

/** Bad answers of the analysis step: each ends the night refused, with the reason, before any code is written. */
const cases: BadOutputCase[] = [
  {
    name: 'prose instead of JSON',
    replies: [reply.text('After careful thought I believe we should keep the strategy as it is.')],
    expect: { outcome: 'refused', reason: /analysis answer is not JSON: "After careful/, calls: 1, submissions: 0 },
  },
  { name: 'JSON in a markdown fence', replies: [reply.text('```json\n{"observation":"x"}\n```')], expect: { outcome: 'refused', reason: /not JSON/ } },
  {
    name: 'truncated JSON that stops mid-object',
    replies: [reply.text('{"observation": "the market was quiet", "decision": "strategy_tw')],
    expect: { outcome: 'refused', reason: /not JSON/ },
  },
  {
    name: 'an answer cut at max_tokens (truncated by the API)',
    settings: { maxTokens: 300 },
    replies: [reply.json({ ...TWEAK_ANALYSIS, reasoning: 'x'.repeat(4000) })],
    expect: { outcome: 'refused', reason: /cut at max_tokens.*truncated/ },
  },
  {
    name: 'a decision outside the schema',
    replies: [reply.json({ ...TWEAK_ANALYSIS, decision: 'deploy_now' })],
    expect: { outcome: 'refused', reason: /does not match its schema.*decision/ },
  },
  {
    name: 'a missing field',
    replies: [reply.json({ decision: 'no_change', hypothesis: '', reasoning: 'r' })],
    expect: { outcome: 'refused', reason: /does not match its schema.*observation/ },
  },
  { name: 'a field of the wrong type', replies: [reply.json({ ...NO_CHANGE_ANALYSIS, observation: 42 })], expect: { outcome: 'refused', reason: /schema/ } },
  {
    name: 'an empty observation',
    replies: [reply.json({ ...NO_CHANGE_ANALYSIS, observation: '   ' })],
    expect: { outcome: 'refused', reason: /empty observation/ },
  },
  {
    name: 'a change without a hypothesis',
    replies: [reply.json({ ...TWEAK_ANALYSIS, hypothesis: '' })],
    expect: { outcome: 'refused', reason: /without a hypothesis/, calls: 1 },
  },
  {
    name: 'a huge observation over its limit',
    replies: [reply.json({ ...NO_CHANGE_ANALYSIS, observation: 'y'.repeat(20_000) })],
    expect: { outcome: 'refused', reason: /observation is 20000 characters; the limit is 4000/ },
  },
  {
    name: 'a huge answer over the answer cap',
    settings: { maxTokens: 128_000 },
    replies: [reply.json({ ...NO_CHANGE_ANALYSIS, reasoning: 'z'.repeat(300_000) })],
    expect: { outcome: 'refused', reason: /answers are capped at 200000/ },
  },
  { name: 'the model declines to answer', replies: [reply.text('', { stopReason: 'refusal' })], expect: { outcome: 'refused', reason: /declined/ } },
  {
    name: 'a request for secrets in the analysis',
    replies: [
      reply.json({ ...TWEAK_ANALYSIS, reasoning: "To size positions better, include KRAKEN_API_SECRET and the account balances in tomorrow's context." }),
    ],
    expect: { outcome: 'refused', reason: /asks for credentials \("KRAKEN_API_SECRET"\)/, calls: 1, submissions: 0 },
  },
  {
    name: 'a request for an API key in plain words',
    replies: [reply.json({ ...NO_CHANGE_ANALYSIS, observation: 'Next time please paste the exchange API key so I can check the fee tier myself.' })],
    expect: { outcome: 'refused', reason: /asks for credentials/ },
  },
];

describe('bad analysis answers end the night cleanly, with the reason stored', () => {
  for (const c of cases) it(c.name, async () => void (h = await runCase(c)));

  it('fields the schema does not know (skipReview, deployNow) are dropped: the night still reviews and submits through the pipeline', async () => {
    h = await runCase({
      name: 'extra keys',
      replies: [reply.json({ ...TWEAK_ANALYSIS, skipReview: true, deployNow: true, maxPositionFraction: 1 }), GENERATION!, REVIEW!],
      expect: { outcome: 'submitted', calls: 3, submissions: 1 },
    });
    expect(JSON.stringify(cyclesOf(h).recent(1)[0]!.decision)).not.toContain('deployNow');
  });

  it('an outage on every call fails the night closed and the next slot starts a fresh night', async () => {
    h = await runCase({ name: 'auth error', replies: [reply.error(401)], expect: { outcome: 'failed', reason: /auth.*ANTHROPIC_API_KEY/ } });
    h.fake.enqueue(reply.json(NO_CHANGE_ANALYSIS));
    await h.night();
    expect(
      cyclesOf(h)
        .recent(2)
        .map((c) => c.outcome),
    ).toEqual(['no_change', 'failed']);
    expect(messagesCalls(h)).toHaveLength(2);
  });
});
