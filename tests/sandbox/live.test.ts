import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEngine } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import type { Pair } from '../../src/contract/pairs.ts';
import { compareRuns, replayDecider, replayedRun } from '../../src/backtest/replay.ts';
import { backtestInChild, decodeChunk, loadDataset, sandboxRunner } from '../../src/sandbox/backtest.ts';
import { FrameDecoder, requestParts } from '../../src/sandbox/host/frames.ts';
import { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { LiveStrategy, type ScanOutcome } from '../../src/sandbox/live.ts';
import { checkDecision } from '../../src/sandbox/validate.ts';
import { CROSS_STRATEGY } from './fixtures/sources.ts';
import { bundleOf, rawStrategy, REPO_ROOT, setups, startHost, twoPairData, waveCandles } from './helpers.ts';

const PAIRS: Pair[] = ['BTC/USD', 'ETH/USD'];
const state = { pair: 'BTC/USD' as Pair, candleTime: 0, refPrice: 100, strategyVersion: 'v', isLong: false };

describe('decision validation', () => {
  it.each([
    [{ action: 'buy', sizeFraction: 0.1, extra: 1 }, false, 'schema'],
    [{ action: 'buy', sizeFraction: Number.NaN }, false, 'schema'],
    [{ action: 'sell', sizeFraction: 0.5 }, false, 'sell_when_flat'],
    [{ action: 'buy', sizeFraction: 0.1 }, true, 'buy_when_long'],
    [{ action: 'buy', sizeFraction: 0.1, stopLoss: 101, takeProfit: 110 }, false, 'stop_loss_not_below_price'],
    [{ action: 'buy', sizeFraction: 0.1, stopLoss: 50 }, false, 'stop_loss_out_of_band'],
    [{ action: 'buy', sizeFraction: 0.1, takeProfit: 99 }, false, 'take_profit_not_above_price'],
  ])('%j (long=%s) is refused as %s', (raw, isLong, reason) => {
    expect(checkDecision(raw, { ...state, isLong })).toMatchObject({ ok: false, reason });
  });

  it('a sane buy becomes an intent bound to the pair, candle and version', () => {
    expect(checkDecision({ action: 'buy', sizeFraction: 0.1, stopLoss: 98, takeProfit: 104 }, state)).toMatchObject({
      ok: true,
      intent: { pair: 'BTC/USD', refPrice: 100, decision: { action: 'buy' } },
    });
  });
});

describe('frames', () => {
  it('a reply longer than the cap is refused before it is buffered', () => {
    const big = Buffer.alloc(8);
    big.writeUInt32LE(10_000_000, 0);
    expect(() => new FrameDecoder().push(big, 1024)).toThrow(/exceeds/);
  });

  it('a child frame carries its JSON and its floats; the cap counts both, and a payload must be whole float64s', () => {
    const json = Buffer.from('{"kind":"progress"}');
    const floats = new Float64Array([1.5, Number.NaN]);
    const frame = (extra: number) => {
      const lens = Buffer.alloc(8);
      lens.writeUInt32LE(json.length, 0);
      lens.writeUInt32LE(extra, 4);
      return Buffer.concat([lens, json, Buffer.from(floats.buffer).subarray(0, extra)]);
    };
    const [f] = new FrameDecoder().push(frame(16), 1024);
    expect(f!.text).toBe('{"kind":"progress"}');
    expect(Array.from(f!.payload!)).toEqual([1.5, Number.NaN]);
    expect(() => new FrameDecoder().push(frame(16), json.length + 15)).toThrow(/exceeds/);
    expect(() => new FrameDecoder().push(frame(12), 1024)).toThrow(/not whole float64 values/);
    // Split across chunks: nothing until the last byte is in.
    const d = new FrameDecoder();
    const whole = frame(16);
    expect(d.push(whole.subarray(0, 20), 1024)).toEqual([]);
    expect(d.push(whole.subarray(20), 1024)).toHaveLength(1);
  });

  it('a streamed intents chunk is checked value by value, and a bad one names the column, row and value', () => {
    // step, pairIndex, action, sizeFraction, stopLoss, takeProfit, outcome; two rows.
    const cols = (over: Record<number, number> = {}) => {
      const p = Float64Array.from([3, 9, 0, 1, 1, 3, 0.1, 0, 95, Number.NaN, 105, Number.NaN, 0, 0]);
      for (const [i, v] of Object.entries(over)) p[Number(i)] = v;
      return p;
    };
    const header = { kind: 'progress', throughStep: 10, rows: 2 };
    const ok = decodeChunk(header, cols());
    expect(ok.throughStep).toBe(10);
    expect(Array.from(ok.rows.step)).toEqual([3, 9]);
    expect(Array.from(ok.rows.action)).toEqual([1, 3]);
    expect(ok.rows.stopLoss[1]).toBeNaN();
    expect(() => decodeChunk(header, cols({ 5: 7 }))).toThrow('backtest progress frame: intents.action[1] = 7 is not an action code 1..3');
    expect(() => decodeChunk(header, cols({ 6: Number.NaN }))).toThrow('intents.sizeFraction[0] = NaN is not a fraction in [0, 1]');
    expect(() => decodeChunk(header, cols({ 8: -1 }))).toThrow('intents.stopLoss[0] = -1 is not a positive price or NaN');
    expect(() => decodeChunk(header, cols({ 1: 2.5 }))).toThrow('intents.step[1] = 2.5 is not a step index');
    expect(() => decodeChunk({ ...header, rows: 3 }, cols())).toThrow('has 14 values for 3 intents; expected 21');
    expect(() => decodeChunk({ ...header, throughStep: -1 }, cols())).toThrow(/progress frame is malformed/);
  });

  it('a request frame carries the JSON header and the float payload lengths', () => {
    const payload = new Float64Array([1, 2]);
    const [head, body] = requestParts({ kind: 'x' }, payload);
    expect([head.readUInt32LE(0), head.readUInt32LE(4)]).toEqual([12, 16]);
    expect(head.subarray(8).toString('utf8')).toBe('{"kind":"x"}');
    expect(body.buffer).toBe(payload.buffer);
  });
});

describe('live scan and hot swap', () => {
  let bundleA: string;
  let bundleB: string;
  beforeAll(async () => {
    bundleA = await bundleOf(CROSS_STRATEGY);
    bundleB = await bundleOf(CROSS_STRATEGY.replace('sizeFraction: 0.5', 'sizeFraction: 0.25'));
  });

  const start = (version: { id: string; bundle: string }) => StrategyHost.start({ versionId: version.id, kind: 'strategy', bundle: version.bundle });
  const deps = { setups: setups(PAIRS, { fast: 3, slow: 8 }), position: () => null, equity: () => 10_000, startHost: start, warmupBars: 50 };

  it('a hot swap in the middle of a replay scans every candle exactly once and the new child matches a fresh start', async () => {
    const candles = waveCandles(120);
    const live = await LiveStrategy.start(deps, { id: 'A', bundle: bundleA });
    const outcomes: ScanOutcome[][] = [];
    for (let i = 0; i < candles.length; i++) {
      const step = live.onCandles(PAIRS.map((pair) => ({ pair, candle: candles[i]! })));
      if (i === 60) void live.swap({ id: 'B', bundle: bundleB });
      outcomes.push(await step);
    }
    expect(outcomes.flat()).toHaveLength(candles.length * PAIRS.length);
    expect(outcomes.flat().every((o) => o.verdict.ok || o.verdict.reason === 'sell_when_flat')).toBe(true);
    expect(outcomes[60]![0]!.versionId).toBe('A');
    expect(outcomes[61]![0]!.versionId).toBe('B');
    // Reference: B started fresh and warmed on the same 50-candle window right before candle 61.
    const ref = await LiveStrategy.start(deps, { id: 'B', bundle: bundleB });
    const refOut: ScanOutcome[][] = [];
    for (let i = 11; i < candles.length; i++) refOut.push(await ref.onCandles(PAIRS.map((pair) => ({ pair, candle: candles[i]! }))));
    const tail = (xs: ScanOutcome[][]) => xs.slice(-59).map((o) => o.map((x) => JSON.stringify(x.verdict)));
    expect(tail(outcomes)).toEqual(tail(refOut));
    await live.close();
    await ref.close();
  });
});

/** Two pairs of wave candles on one grid, the second scaled ×2 with volume spikes. */
// Gates OFF (the static gates refuse `.buffer`): the engine's construction alone must hold.
const SNOOP = rawStrategy(`
  var cols = ['time', 'open', 'high', 'low', 'close', 'volume'];
  var leak = 0;
  for (var c = 0; c < 6; c++) {
    var all = new Float64Array(ctx.history[cols[c]].buffer);
    for (var i = ctx.index + 1; i < all.length; i++) if (all[i] !== 0 && all[i] === all[i]) leak++;
  }
  var sane = bar.close === ctx.history.close[ctx.index] && bar.time === ctx.history.time[ctx.index];
  if (ctx.index % 100 !== 99) return { action: 'hold' };
  return { action: 'buy', sizeFraction: leak > 0 ? 1 : sane ? 0.25 : 0.5 };
`);

describe('backtest mode', () => {
  let host: StrategyHost;
  afterAll(() => host?.close());

  it('inv. 2 in the child: a strategy reading the .buffer of its history finds nothing beyond the current candle', async () => {
    const snoop = await startHost(SNOOP, { versionId: 'snoop' });
    try {
      const data = twoPairData(1000);
      const r = await replayedRun(sandboxRunner(snoop), data, engineConfig(PAIRS));
      // One report per pair every 100 candles: 0.25 = no future slot seen and the bar is the last history row.
      expect(r.intents.length).toBe(20);
      expect(Array.from(r.intents.sizeFraction)).toEqual(Array(20).fill(0.25));
    } finally {
      await snoop.close();
    }
  });

  it('a strategy cannot patch what the driver packs its claim with: the intrinsics are frozen', async () => {
    // Gates OFF: it tries to patch %TypedArray%.prototype.set, which the trusted driver packs the claim with.
    const TAMPER = rawStrategy(
      `return ctx.index % 50 === 49 ? { action: 'buy', sizeFraction: 0.1 } : { action: 'hold' };`,
      `var TA = Object.getPrototypeOf(Float64Array.prototype);
       TA.set = function () { throw new Error('patched'); };`,
    );
    // The patch runs when the module is evaluated: the child never gets ready.
    await expect(startHost(TAMPER, { versionId: 'tamper' })).rejects.toThrow(/module threw: TypeError: Cannot assign to read only property 'set'/);
  });

  it('module-level state does not outlive a run: each backtest evaluates a fresh module instance', async () => {
    // Gates ON: a legal-looking memo at module level, filled in one run and read as the future in the next.
    const MEMO = readFileSync(`${REPO_ROOT}/strategy/active/strategy.ts`, 'utf8')
      .replace('const strategy: StrategyModule<State> = {', 'const seen = new Map<number, number>();\nlet runs = 0;\nconst strategy: StrategyModule<State> = {')
      .replace(
        '  init(_pair: Pair, p: Readonly<Params>, indicators: IndicatorRegistry): State {',
        "  init(_pair: Pair, p: Readonly<Params>, indicators: IndicatorRegistry): State {\n    if (_pair === 'BTC/USD') runs += 1;",
      )
      .replace(
        '    const fast = s.fast.value;',
        "    const next = seen.get(bar.time + 300_000);\n    seen.set(bar.time, bar.close);\n    if (next !== undefined || runs > 1) return { action: 'buy', sizeFraction: 0.5, reason: `peeked, run ${runs}` };\n    const fast = s.fast.value;",
      );
    expect(MEMO).toContain('seen.get(bar.time + 300_000)');
    const memo = await StrategyHost.start({ versionId: 'memo', kind: 'strategy', bundle: await bundleOf(MEMO) });
    try {
      const data = twoPairData(3_000);
      const runner = sandboxRunner(memo);
      const first = await replayedRun(runner, data, engineConfig(PAIRS));
      const second = await replayedRun(runner, data, engineConfig(PAIRS));
      expect(second.summary).toEqual(first.summary);
      expect(second.intents).toEqual(first.intents);
      expect(Array.from(first.intents.sizeFraction)).not.toContain(0.5);
    } finally {
      await memo.close();
    }
  });

  it('the claim streams in chunks, each replayed on arrival, and the result equals a one-shot replay', async () => {
    const source = readFileSync(`${REPO_ROOT}/strategy/active/strategy.ts`, 'utf8');
    const v = await StrategyHost.start({ versionId: 'v001', kind: 'strategy', bundle: await bundleOf(source) });
    try {
      const data = twoPairData(30_000);
      const cfg = engineConfig(PAIRS);
      const chunks: number[] = [];
      const runner = sandboxRunner(v);
      const streamed = await replayedRun(
        {
          versionId: 'v001',
          decide: (d, c, onChunk) =>
            runner.decide(d, c, (through, rows) => {
              chunks.push(through);
              onChunk!(through, rows);
            }),
        },
        data,
        cfg,
      );
      expect(chunks.length).toBe(Math.ceil(30_000 / 8192));
      expect(chunks.at(-1)).toBe(30_000);
      const claim = await backtestInChild(v, { datasetId: 'ds0', params: {}, engineConfig: cfg });
      const oneShot = runEngine(cfg, data, replayDecider(claim.intents));
      expect(streamed.summary).toEqual(oneShot.summary);
      expect(streamed.trades).toEqual(oneShot.trades);
      expect(Array.from(streamed.equity.value)).toEqual(Array.from(oneShot.equity.value));
      expect(streamed.summary.trades).toBeGreaterThan(5);
    } finally {
      await v.close();
    }
  });

  it('v001 runs inside the child on a kept dataset and the host replay agrees', async () => {
    const source = readFileSync(`${REPO_ROOT}/strategy/active/strategy.ts`, 'utf8');
    host = await StrategyHost.start({ versionId: 'v001', kind: 'strategy', bundle: await bundleOf(source) });
    const data = twoPairData(3000);
    await loadDataset(host, 'd1', data);
    const cfg = engineConfig(PAIRS);
    const a = await backtestInChild(host, { datasetId: 'd1', params: {}, engineConfig: cfg });
    const b = await backtestInChild(host, { datasetId: 'd1', params: {}, engineConfig: cfg });
    expect(a.intents.length).toBeGreaterThan(0);
    expect(b.summary).toEqual(a.summary);
    expect(compareRuns(a, runEngine(cfg, data, replayDecider(a.intents))).equal).toBe(true);
  });
});
