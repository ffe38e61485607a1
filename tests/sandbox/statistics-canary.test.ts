import { describe, expect, it } from 'vitest';
import { runCanary, type CanaryHost, type StartCanaryHost } from '../../src/sandbox/canary.ts';
import type { HostRequest } from '../../src/sandbox/protocol.ts';
import { rawStrategy, setups } from './helpers.ts';

/**
 * Inside the lockdown there is no longer any run-to-run difference for a module to observe (that is the
 * point: tests/sandbox/escape-runtime.test.ts), so the rejection path is driven by a scripted host whose
 * answers change with the run number, the way a module reading a clock or a path would.
 */
function scriptedHosts(answer: (run: number, req: HostRequest) => Record<string, unknown>): { start: StartCanaryHost; closed: () => number } {
  let runs = 0;
  let closed = 0;
  const start: StartCanaryHost = async () => {
    const run = ++runs;
    const host: CanaryHost = {
      call: async (req) => answer(run, req),
      close: async () => {
        closed += 1;
      },
    };
    return host;
  };
  return { start, closed: () => closed };
}

function holdEveryBar(reason: (run: number) => string): (run: number, req: HostRequest) => Record<string, unknown> {
  return (run, req) => {
    if (req.kind !== 'bars') return { kind: 'ok' };
    return { kind: 'decisions', decisions: req.items.map((it) => ({ pair: it.pair, decision: { action: 'hold', reason: reason(run) } })) };
  };
}

describe('determinism canary against outputs that differ between runs', () => {
  it('rejects a strategy whose two runs give different decisions, and closes both hosts', async () => {
    const fake = scriptedHosts(holdEveryBar((run) => `run ${run}`));
    const r = await runCanary('strategy', 'unused', setups(['BTC/USD']), fake.start);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^non-deterministic: two runs of the fixture gave \w+ and \w+/) });
    expect(fake.closed()).toBe(2);
  });

  it('passes a strategy whose two runs give the same decisions', async () => {
    const fake = scriptedHosts(holdEveryBar(() => 'steady'));
    expect(await runCanary('strategy', 'unused', setups(['BTC/USD']), fake.start)).toMatchObject({ ok: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('rejects a statistics module whose report differs between runs', async () => {
    const fake = scriptedHosts((run) => ({ kind: 'report', report: { summary: `run ${run}`, metrics: {} } }));
    const r = await runCanary('statistics', 'unused', [], fake.start);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^non-deterministic/) });
  });
});

// The former leak: a stack trace named the script in its per-child mkdtemp folder, so these modules used
// to fail the canary. With zero-frame traces they put the same text in their output in every child.
const STACK = "var stack = function () { try { throw new Error('x'); } catch (e) { return String(e.stack); } };";
const statisticsReporting = (
  summary: string,
  top = '',
): string => `${top}\nvar __module = { default: { meta: { name: 'raw', version: 'x', description: '', queries: {} },
  analyze: function () { return { summary: ${summary}, metrics: {} }; } } };`;

describe('determinism canary on modules that report their own stack trace', () => {
  it('passes a strategy whose decisions carry its stack trace', async () => {
    const bundle = rawStrategy("return { action: 'hold', reason: stack().slice(0, 200) };", STACK);
    expect(await runCanary('strategy', bundle, setups(['BTC/USD']))).toMatchObject({ ok: true });
  });

  it('passes a statistics module whose report carries its stack trace, and the trace is only the message', async () => {
    const leak = await runCanary('statistics', statisticsReporting('stack()', STACK), []);
    const constant = await runCanary('statistics', statisticsReporting("'Error: x'"), []);
    expect(leak).toMatchObject({ ok: true });
    expect(leak).toEqual(constant);
  });
});
