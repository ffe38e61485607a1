/**
 * The promotion policy refuses a candidate by naming the one gate it fails: each candidate below passes
 * every gate but one, on the same synthetic candles and costs as the incumbent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { peekingDecider } from '../../src/backtest/validation/canaries.ts';
import { judge, scoreHoldout, screen, type PolicyContext } from '../../src/evolution/policy.ts';
import { candidate, evolution, idle, momentum, policyContext, waveMarket } from './fixtures.ts';

const data = waveMarket(['BTC/USD', 'ETH/USD'], 24 * 75);
const good = candidate('good', (p) => momentum(p));
const incumbent = candidate('incumbent', () => idle(), {});

function failing(verdict: Awaited<ReturnType<typeof judge>>): string[] {
  return verdict.gates.filter((g) => !g.passed).map((g) => g.gate);
}

describe('promotion policy', () => {
  let ctx: PolicyContext;
  beforeAll(async () => {
    ctx = await policyContext(data, evolution(), incumbent);
  });

  it('passes a candidate with an edge over the incumbent, storing every gate with its number', async () => {
    const v = await judge(ctx, good);
    expect(failing(v)).toEqual([]);
    expect(v.passed).toBe(true);
    expect(v.gates.map((g) => g.gate)).toEqual(['canaries', 'lookAhead', 'minTrades', 'oosEdge', 'dsr', 'mcDrawdown', 'jitter']);
    expect(v.gates.find((g) => g.gate === 'oosEdge')!.value).toBeGreaterThan(0);
    expect(v.score).toBeGreaterThan(0);
  });

  it('refuses on minTrades alone when the selection window needs more trades than it made', async () => {
    const v = await judge({ ...ctx, evolution: evolution({ policy: { minTrades: 100_000 } }) }, good);
    expect(failing(v)).toEqual(['minTrades']);
    expect(v.failedGate).toBe('minTrades');
    expect(v.reason).toMatch(/^minTrades failed/);
  });

  it('refuses on oosEdge alone when the bootstrap interval of the OOS difference does not clear the margin', async () => {
    const v = await judge({ ...ctx, evolution: evolution({ policy: { minEdge: 0.01 } }) }, good);
    expect(failing(v)).toEqual(['oosEdge']);
  });

  it("refuses on dsr alone when the ledger's many dispersed trials deflate the Sharpe ratio", async () => {
    const trials = Array.from({ length: 500 }, (_, i) => ({ contentHash: `t${i}`, sharpe: ((i % 21) - 10) * 0.5 }));
    const v = await judge({ ...ctx, trials: () => trials }, good);
    expect(failing(v)).toEqual(['dsr']);
    expect(v.gates.find((g) => g.gate === 'dsr')!.detail).toContain('501 trials');
  });

  it('refuses on mcDrawdown alone when the Monte Carlo p95 drawdown exceeds the allowed share of the risk limit', async () => {
    const v = await judge({ ...ctx, evolution: evolution({ policy: { drawdownLimitShare: 0.0001 } }) }, good);
    expect(failing(v)).toEqual(['mcDrawdown']);
  });

  it('refuses on jitter alone when a ±10 % nudge of a parameter flips the result', async () => {
    const knife = candidate('knife', (p) => momentum(p, true));
    const v = await judge(ctx, knife);
    expect(failing(v)).toEqual(['jitter']);
  });

  it('refuses on lookAhead alone a candidate that reads the next candle', async () => {
    const peeker = candidate('peeker', peekingDecider, {}, {});
    const v = await judge(ctx, peeker);
    expect(failing(v)).toEqual(['lookAhead']);
  });

  it('refuses on canaries when the evaluator cannot be trusted on the data (too few random entries to test it)', async () => {
    const short = waveMarket(['BTC/USD'], 24 * 30);
    const c = await policyContext(short, evolution({ policy: { holdoutDays: 3, minTrades: 1 } }), incumbent);
    const v = await judge(c, good);
    expect(v.failedGate).toBe('canaries');
    expect(v.gates[0]!.detail).toContain('random entries');
  });

  it('screens on the last in-sample days and ranks by the return above the incumbent on the same window', async () => {
    const s = await screen(ctx, good);
    expect(s.passed).toBe(true);
    expect(s.edge).toBeCloseTo(s.totalReturn, 12);
    const none = await screen(ctx, incumbent);
    expect(none).toMatchObject({ passed: false, failedGate: 'screenTrades' });
  });

  it('scores the holdout apart: the most recent days, after every window used for selection', async () => {
    const h = await scoreHoldout(ctx, good);
    expect(ctx.windows.holdoutStart).toBeGreaterThan(ctx.windows.oosStart);
    expect(h!.days).toBeGreaterThan(9);
    expect(h!.incumbentReturn).toBe(0);
  });
});
