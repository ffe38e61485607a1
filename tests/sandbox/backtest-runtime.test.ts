/**
 * The sandbox as the evolver drives it: many runs through one warm child. The candles cross once for
 * every run and candidate over them; a child that dies is restarted and fed its datasets again
 * without the caller noticing, and a child that dies outside a module call says why.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceMarketData } from '../../src/backtest/data.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { prefixView } from '../../src/backtest/prepared-market.ts';
import { replayedRun } from '../../src/backtest/replay.ts';
import { runGates } from '../../src/backtest/validation/index.ts';
import type { StrategyMeta } from '../../src/contract/strategy.ts';
import { sandboxRunner } from '../../src/sandbox/backtest.ts';
import { exitCause } from '../../src/sandbox/host/exit-cause.ts';
import type { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { bundleOf, rawStrategy, REPO_ROOT, startHost, twoPairData } from './helpers.ts';

const data = twoPairData(2000);
const config = engineConfig(data.pairs);

// Gates off: trades on a fixed rhythm, or with `bomb` set fills its heap until V8 gives up.
const RHYTHM = rawStrategy(`
  if (ctx.params.bomb) { var a = []; for (;;) a.push({ x: a.length, y: [1, 2, 3] }); }
  if (ctx.index % 50 === 10 && ctx.position === null) return { action: 'buy', sizeFraction: 0.2 };
  if (ctx.index % 50 === 35 && ctx.position !== null) return { action: 'close' };
  return { action: 'hold' };
`);

describe('a restarted child is fed again', () => {
  let host: StrategyHost;
  afterAll(() => host?.close());

  it('after a run that crashed the child, the next run restarts it, sends its dataset again and succeeds', async () => {
    const events: string[] = [];
    host = await startHost(RHYTHM, { spawn: { heapMb: 64 }, onEvent: (e) => events.push(e.type) });
    const runner = sandboxRunner(host);
    const first = await replayedRun(runner, data, config);
    expect(first.summary.trades).toBeGreaterThan(3);
    const pid = host.childPid;
    const crash = replayedRun(runner, data, { ...config, params: { bomb: 1 } });
    await expect(crash).rejects.toMatchObject({ code: 'child_exited' });
    await expect(crash).rejects.toThrow(/Fatal JavaScript out of memory/);
    const again = await replayedRun(runner, data, config);
    expect(host.childPid).not.toBe(pid);
    expect(events).toContain('sandbox.restarted');
    expect(again.summary).toEqual(first.summary);
    expect(again.intents).toEqual(first.intents);
  });
});

describe('the gates of many candidates over one dataset', () => {
  let host: StrategyHost;
  afterAll(() => host?.close());

  it('the candles cross once: look-ahead cuts are views the child cuts from its copy, kept for the next candidate; a cut decides as a truncated copy does', async () => {
    host = await startHost(await bundleOf(readFileSync(`${REPO_ROOT}/strategy/active/strategy.ts`, 'utf8')), { versionId: 'v001' });
    const sent: string[] = [];
    const call = host.call.bind(host);
    host.call = (req, ...rest) => (sent.push(req.kind), call(req, ...rest));
    const meta = host.meta as StrategyMeta;
    const runner = sandboxRunner(host);
    const d = twoPairData(6000);
    for (const params of [
      { emaFast: 5, emaSlow: 30 },
      { emaFast: 8, emaSlow: 40 },
    ]) {
      const cfg = engineConfig(d.pairs, { params, start: meta.warmup });
      const result = await replayedRun(runner, d, cfg);
      const report = await runGates(runner, { data: d, config: cfg, result }, { specs: meta.params });
      expect(report.lookAhead?.passed).toBe(true);
    }
    expect(sent.filter((k) => k === 'loadDataset')).toHaveLength(1);
    expect(sent.filter((k) => k === 'viewDataset')).toHaveLength(5);
    expect(sent).not.toContain('dropDataset');
    const cfg = engineConfig(d.pairs, { params: { emaFast: 6 }, end: 3001 });
    const onView = await replayedRun(runner, prefixView(d, 3001), cfg);
    const onCopy = await replayedRun(runner, sliceMarketData(d, 0, 3001), cfg);
    expect(onView.summary.trades).toBeGreaterThan(0);
    expect(onView.intents).toEqual(onCopy.intents);
    expect(onView.summary).toEqual(onCopy.summary);
  });
});

describe("the runner's own refusals carry their code to the host", () => {
  it('bars before init (not_ready) and a view of an unloaded dataset (bad_frame) are the runner refusing, never the module failing', async () => {
    const host = await startHost(rawStrategy("return { action: 'hold' };"));
    try {
      const bars = host.call({ kind: 'bars', items: [{ pair: 'BTC/USD', n: 0, position: null, equity: 1000, decide: false }] }, new Float64Array(0), 'scan');
      await expect(bars).rejects.toMatchObject({
        code: 'not_ready',
        retryable: false,
        message: expect.stringMatching(/^sandbox runner refused the request: bars arrived before init/),
      });
      const view = host.call({ kind: 'viewDataset', id: 'v', of: 'never-loaded', nSteps: 1 }, undefined, 'control');
      await expect(view).rejects.toMatchObject({ code: 'bad_frame', message: expect.stringContaining('never-loaded is not a loaded dataset') });
    } finally {
      await host.close();
    }
  });
});

describe('a child that dies outside a module call names the cause', () => {
  it('a dataset too large for the memory cap: the error says the runner could not allocate it, not that the error path broke', async () => {
    // 700 MiB of RLIMIT_DATA: Deno boots in ~570, so a 190 MB frame cannot be read into memory.
    const host = await startHost(rawStrategy("return { action: 'hold' };"), { spawn: { dataBytes: 700 * 1024 * 1024 } });
    try {
      const n = 4_000_000;
      const load = host.call({ kind: 'loadDataset', id: 'big', pairs: ['BTC/USD'], nSteps: n }, new Float64Array(n * 6), 'backtest');
      await expect(load).rejects.toMatchObject({ code: 'child_exited' });
      await expect(load).rejects.toThrow(/exited \(code 70\): sandbox runner stopped: RangeError: Array buffer allocation failed$/);
    } finally {
      await host.close();
    }
  });

  it('a V8 fatal error is reported by its fatal line, not by the C stack trace that follows it', () => {
    const stderr = [
      '\u001b[0m<--- Last few GCs --->',
      '[20887:0x5560950a8000]    32165 ms: Scavenge 10.4 (17.8) -> 6.5 (17.8) MB, allocation failure;',
      '#',
      '# Fatal JavaScript out of memory: MarkCompactCollector: young object promotion failed',
      '#',
      '==== C stack trace ===============================',
      '',
      '    deno(+0x28b0d2e) [0x556072208d2e]',
    ].join('\n');
    expect(exitCause(stderr)).toBe('Fatal JavaScript out of memory: MarkCompactCollector: young object promotion failed');
    expect(exitCause('\u001b[0m\u001b[1m\u001b[31merror\u001b[0m: Uncaught (in promise) RangeError: x\n    at y')).toBe('Uncaught (in promise) RangeError: x');
    expect(exitCause('a\nb\nc\nd\n')).toBe('b | c | d');
  });
});
