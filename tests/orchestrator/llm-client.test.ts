import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reply } from '../../src/orchestrator/fake-api/script.ts';
import type { LlmRequest } from '../../src/orchestrator/llm/client.ts';
import { LlmError } from '../../src/orchestrator/llm/errors.ts';
import { API_KEY, clientFixture, type ClientFixture } from './helpers.ts';

const Answer = z.object({ verdict: z.enum(['yes', 'no']), note: z.string() });
const PREFIX = ['identity '.repeat(600), 'system map '.repeat(900)];

function request(over: Partial<LlmRequest> = {}): LlmRequest {
  return {
    cycleId: 'night-1',
    step: 'analysis',
    model: 'claude-sonnet-5-5',
    system: PREFIX,
    user: 'the day in numbers',
    schema: Answer,
    maxInputTokens: 50_000,
    ...over,
  };
}

let fx: ClientFixture;
afterEach(async () => fx?.close());

const messagesCalls = () => fx.fake.requests.filter((r) => r.path === '/v1/messages');

describe('the Anthropic client against the loopback Messages API', () => {
  it('sends the explicit key, no sampling parameters, adaptive thinking and a 1 h breakpoint on the last prefix block', async () => {
    fx = await clientFixture();
    fx.fake.enqueue(reply.json({ verdict: 'yes', note: 'fine' }));
    const answer = await fx.client.call(request());
    expect(JSON.parse(answer.text)).toEqual({ verdict: 'yes', note: 'fine' });
    const sent = messagesCalls()[0]!;
    expect(sent.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    const body = JSON.parse(sent.body) as Record<string, unknown> & { system: Array<{ cache_control?: unknown }> };
    expect(body).not.toHaveProperty('temperature');
    expect(body['thinking']).toEqual({ type: 'adaptive' });
    expect(body.system.map((b) => b.cache_control ?? null)).toEqual([null, { type: 'ephemeral', ttl: '1h' }]);
    expect(body['output_config']).toMatchObject({ effort: 'high', format: { type: 'json_schema', schema: { additionalProperties: false } } });
  });

  it('a second call with the same prefix in one night reads it from the cache, and costs follow the config prices', async () => {
    fx = await clientFixture();
    fx.fake.enqueue(reply.json({ verdict: 'yes', note: 'a' }, { thinkingTokens: 200 }), reply.json({ verdict: 'no', note: 'b' }));
    const first = await fx.client.call(request());
    fx.clock.increment(20 * 60_000);
    const second = await fx.client.call(request({ step: 'review', user: 'a diff' }));
    expect(first.usage.cacheWrite1hTokens).toBeGreaterThan(1024);
    expect(first.usage.cacheReadTokens).toBe(0);
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWrite1hTokens);
    expect(second.usage.cacheWrite1hTokens).toBe(0);
    const u = first.usage;
    expect(first.costUsd).toBeCloseTo((u.inputTokens * 2 + u.outputTokens * 10 + u.cacheWrite1hTokens * 4) / 1e6, 12);
    expect(u.thinkingTokens).toBe(200);
    const rows = fx.repos.orchestrator.tokenUsageInRange(0, Number.MAX_SAFE_INTEGER);
    expect(rows.map((r) => [r.purpose, r.cacheReadTokens > 0])).toEqual([
      ['analysis', false],
      ['review', true],
    ]);
    expect(rows.reduce((s, r) => s + r.costUsd, 0)).toBeCloseTo(first.costUsd + second.costUsd, 12);
  });

  it('with caching off the same night writes and reads nothing from the cache', async () => {
    fx = await clientFixture({ client: { promptCaching: false } });
    fx.fake.enqueue(reply.json({ verdict: 'yes', note: 'a' }), reply.json({ verdict: 'yes', note: 'a' }));
    const a = await fx.client.call(request());
    const b = await fx.client.call(request());
    expect([a.usage.cacheReadTokens, a.usage.cacheWrite1hTokens, b.usage.cacheReadTokens]).toEqual([0, 0, 0]);
  });

  it('a prefix below the model minimum is silently not cached, as the real API does', async () => {
    fx = await clientFixture({}, [], 100_000);
    fx.fake.enqueue(reply.json({ verdict: 'yes', note: 'a' }), reply.json({ verdict: 'yes', note: 'a' }));
    await fx.client.call(request());
    const b = await fx.client.call(request());
    expect([b.usage.cacheReadTokens, b.usage.cacheWrite1hTokens]).toEqual([0, 0]);
  });

  it('an answer cut at max_tokens comes back with stop_reason max_tokens', async () => {
    fx = await clientFixture({ maxTokens: 256 });
    fx.fake.enqueue(reply.json({ verdict: 'yes', note: 'x'.repeat(5000) }));
    const a = await fx.client.call(request());
    expect(a.stopReason).toBe('max_tokens');
    expect(() => JSON.parse(a.text)).toThrow();
  });

  const statuses: Array<[400 | 401 | 429 | 500 | 529, string, boolean]> = [
    [400, 'bad_request', false],
    [401, 'auth', false],
    [429, 'rate_limited', true],
    [500, 'server', true],
    [529, 'overloaded', true],
  ];
  for (const [status, code, retryable] of statuses) {
    it(`HTTP ${status} becomes LlmError ${code} (retryable: ${retryable}) carrying retry-after`, async () => {
      fx = await clientFixture();
      fx.fake.enqueue(reply.error(status, { retryAfterSeconds: 42 }));
      const err = await fx.client.call(request()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LlmError);
      expect(err).toMatchObject({ code, retryable, retryAfterMs: 42_000 });
      expect((err as Error).message).not.toContain(API_KEY);
    });
  }

  it('the SDK retries an overloaded call itself when maxRetries allows, honouring retry-after', async () => {
    fx = await clientFixture({ client: { maxRetries: 1 } });
    fx.fake.enqueue(reply.error(529, { retryAfterSeconds: 0.001 }), reply.json({ verdict: 'no', note: 'second try' }));
    expect(JSON.parse((await fx.client.call(request())).text)).toMatchObject({ note: 'second try' });
    expect(messagesCalls().map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
  });

  it('a reply slower than the call timeout on the injected clock is abandoned as a retryable timeout', async () => {
    fx = await clientFixture({ client: { timeoutSeconds: 60 } });
    fx.fake.enqueue(reply.json({ verdict: 'yes', note: 'late' }, { delayMs: 120_000 }));
    const pending = fx.client.call(request()).catch((e: unknown) => e);
    await vitestWaitFor(() => messagesCalls().length === 1);
    fx.clock.increment(61_000);
    expect(await pending).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('refuses a call whose worst case would pass the daily cap, before sending it', async () => {
    fx = await clientFixture({ dailyBudgetUsd: 0.05 });
    fx.repos.orchestrator.recordTokenUsage({
      time: fx.clock.now(),
      cycleId: 'x',
      model: 'claude-sonnet-5-5',
      purpose: 'analysis',
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.04,
    });
    await expect(fx.client.call(request())).rejects.toMatchObject({
      code: 'over_budget',
      retryable: false,
      message: expect.stringContaining('orchestrator.dailyBudgetUsd'),
    });
    expect(messagesCalls()).toEqual([]);
  });

  it('inv. 7: refuses to send a request holding a secret value, before any byte leaves', async () => {
    fx = await clientFixture({}, ['KRAKEN-SECRET-abcdefgh']);
    await expect(fx.client.call(request({ user: 'balances … KRAKEN-SECRET-abcdefgh' }))).rejects.toMatchObject({ code: 'secret_in_prompt' });
    expect(fx.fake.requests).toEqual([]);
  });

  it('counts input tokens with count_tokens, and falls back to the local estimate when it fails', async () => {
    fx = await clientFixture();
    const api = await fx.client.countTokens(request());
    fx.fake.failCountTokens(500);
    const local = await fx.client.countTokens(request());
    expect(api.source).toBe('api');
    expect(local.source).toBe('estimate');
    expect(local.tokens).toBeGreaterThanOrEqual(api.tokens);
  });

  it('refuses a prompt over its input bound after counting it', async () => {
    fx = await clientFixture();
    await expect(fx.client.call(request({ maxInputTokens: 100 }))).rejects.toMatchObject({ code: 'prompt_too_long' });
    expect(messagesCalls()).toEqual([]);
  });
});

/** Polls a condition on the event loop (the request reaching the fake), never on wall time. */
async function vitestWaitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition not reached');
}
