import { afterEach, describe, expect, it } from 'vitest';
import { noChangeNight, tweakNight } from '../../src/orchestrator/fake-api/scripted-night.ts';
import { cyclesOf, messagesCalls, nightHarness, type NightHarness } from './night-harness.ts';

let h: NightHarness;
afterEach(async () => h?.close());

describe('a scripted night against the fake Messages API', () => {
  it('gathers, analyses, tweaks, reviews, passes the static gates and gets a paper test scheduled', async () => {
    h = await nightHarness();
    h.fake.enqueue(...tweakNight());
    const end = await h.night();
    expect(end.value).toBe('done');
    const cycle = cyclesOf(h).recent(1)[0]!;
    expect(cycle).toMatchObject({ outcome: 'submitted', trigger: 'slot', mode: 'model' });
    expect(cycle.reason).toMatch(/^paper test pt-1 scheduled for sha256:/);
    expect(cycle.submission).toMatchObject({ status: 'paperTest', paperTestId: 'pt-1' });
    const [submitted] = h.pipeline.submissions;
    expect(submitted).toMatchObject({ kind: 'strategy', name: 'strategy', origin: { kind: 'model', model: 'claude-opus-5-5', cycleId: cycle.id } });
    expect(submitted!.source).toContain('takeProfit: { default: 0.05');
    expect(submitted!.source).toContain("version: 'v002'");
    expect(submitted!.parentVersionId).toBe(cycle.parentVersionId);
    expect(submitted!.origin).toMatchObject({ promptHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const steps = cyclesOf(h)
      .answers(cycle.id)
      .map((a) => [a.step, a.attempt, a.model]);
    expect(steps).toEqual([
      ['analysis', 1, 'claude-sonnet-5-5'],
      ['generation', 1, 'claude-opus-5-5'],
      ['review', 1, 'claude-sonnet-5-5'],
    ]);
    expect(h.fake.pending()).toBe(0);
  });

  it('the review call reads the static prefix the analysis call wrote to the cache', async () => {
    h = await nightHarness();
    h.fake.enqueue(...tweakNight());
    await h.night();
    const [analysis, generation, review] = cyclesOf(h).answers(cyclesOf(h).recent(1)[0]!.id);
    expect(analysis!.cacheWriteTokens).toBeGreaterThan(4096);
    expect(generation!.cacheWriteTokens).toBeGreaterThan(4096);
    expect(review!.cacheReadTokens).toBe(analysis!.cacheWriteTokens);
  });

  it('the reviewer sees the diff against the parent', async () => {
    h = await nightHarness();
    h.fake.enqueue(...tweakNight());
    await h.night();
    const reviewBody = JSON.parse(messagesCalls(h)[2]!.body) as { messages: Array<{ content: string }> };
    const text = reviewBody.messages[0]!.content;
    expect(text).toContain('# Step: review');
    expect(text).toMatch(/^- +version: 'v001',$/m);
    expect(text).toMatch(/^\+ +version: 'v002',$/m);
  });

  it('a second night ends in no change, with its one observation stored and nothing submitted', async () => {
    h = await nightHarness();
    h.fake.enqueue(...tweakNight());
    await h.night();
    h.clock.increment(86_400_000);
    h.fake.enqueue(...noChangeNight());
    const end = await h.night();
    expect(end.value).toBe('done');
    const [second] = cyclesOf(h).recent(1);
    expect(second).toMatchObject({ outcome: 'no_change', candidateSource: null });
    expect(h.pipeline.submissions).toHaveLength(1);
    const notes = h.db.prepare("SELECT cycle_id, topic FROM orchestrator_observations WHERE topic = 'night' ORDER BY time").all<{ cycle_id: string }>();
    expect(notes.map((n) => n.cycle_id)).toEqual([cyclesOf(h).recent(2)[1]!.id, second!.id]);
    // The second night's context shows the first night's observation.
    const context = JSON.stringify(second!.context);
    expect(context).toContain('ranging market');
  });

  it('without a model key the offline evolver takes the slot and no model is called', async () => {
    h = await nightHarness({ withKey: false });
    const end = await h.night();
    expect(end.value).toBe('done');
    expect(h.offlineNights).toHaveLength(1);
    expect(cyclesOf(h).recent(1)[0]).toMatchObject({
      mode: 'offline',
      outcome: 'offline',
      reason: expect.stringContaining('searched the declared parameters'),
    });
    expect(h.fake.requests).toEqual([]);
  });

  it('with a key and offlineAlongside the offline evolver runs beside the model night', async () => {
    h = await nightHarness({ settings: { cycle: { offlineAlongside: true } } });
    h.fake.enqueue(...noChangeNight());
    await h.night();
    expect(h.offlineNights).toHaveLength(1);
    expect(cyclesOf(h).recent(1)[0]).toMatchObject({ mode: 'model', outcome: 'no_change' });
  });
});
