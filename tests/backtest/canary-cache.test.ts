/**
 * The canaries' report kept on disk by content (validation/canary-cache.ts): a second process on the
 * same candles, costs, seed and code reads the report instead of re-running the canaries, and it is
 * exactly the report they compute; a change to any part of the key is a miss; a damaged entry, a
 * report JSON cannot hold exactly, or unreadable code never yields a stale report.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sliceMarketData } from '../../src/backtest/data.ts';
import type { EngineConfig, MarketData } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { cachedCanaryRun, canaryCodeDigest, type CanaryCacheSetup } from '../../src/backtest/validation/canary-cache.ts';
import { runCanaries, type CanaryReport } from '../../src/backtest/validation/index.ts';
import { loadShared } from './engine-fixtures.ts';

const data = sliceMarketData(loadShared(['ETH/USD', 'SOL/USD']), 0, 3000);
const config = engineConfig(data.pairs);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'canary-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One cached lookup with a counting stand-in for the canaries (the key is what is under test, not the canaries). */
async function judged(setup: CanaryCacheSetup | undefined, d: MarketData, c: EngineConfig, seed = 7, report = stubReport(1)) {
  let runs = 0;
  const out = await cachedCanaryRun(setup, d, c, seed, async () => {
    runs += 1;
    return report;
  });
  return { out, runs };
}

function stubReport(marketChange: number): CanaryReport {
  const cut = { step: 10, mismatches: [{ field: 'intents.action', index: 0, a: 1, b: null }] };
  return {
    passed: true,
    buyAndHold: { passed: true, marketChange, expected: 0.01, actual: 0.01, costBound: 0.002 },
    randomEntries: { passed: true, trades: 40, meanTradeReturn: -0.003, expectedCost: 0.003, standardError: 0.001 },
    lookAhead: { passed: true, from: 0, result: { passed: false, cuts: [cut] } },
  };
}

/** `data` with one value of one column replaced. */
function withValue(d: MarketData, column: 'open' | 'high' | 'low' | 'close' | 'volume' | 'time', at: number, value: number): MarketData {
  if (column === 'time') {
    const time = d.time.slice();
    time[at] = value;
    return { ...d, time, columns: d.columns.map((c) => ({ ...c, time })) };
  }
  const columns = d.columns.map((c, p) => (p === 1 ? { ...c, [column]: Object.assign(c[column].slice(), { [at]: value }) } : c));
  return { ...d, columns };
}

describe('canary reports cached by content', () => {
  it('the real canaries stored by one process are read back equal by the next, without running them', async () => {
    const setup = { dir, codeDigest: 'code-a' };
    const computed = await runCanaries(data, config, { cache: setup });
    expect(readdirSync(dir)).toHaveLength(1);
    // Another MarketData object with the same candles: the in-process memo misses, the disk does not.
    const copy = sliceMarketData(data, 0, data.time.length);
    const { out, runs } = await judged(setup, copy, engineConfig(copy.pairs, { params: { fast: 3 }, start: 50 }));
    expect(runs).toBe(0);
    expect(out).toEqual(computed);
    expect(JSON.stringify(out)).toBe(JSON.stringify(computed));
  });

  it('a change to any part of the key is a miss: candles (each column, times, pairs), cash, slippage, fees, rules, seed, code', async () => {
    const setup = { dir, codeDigest: 'code-a' };
    expect((await judged(setup, data, config)).runs).toBe(1);
    expect((await judged(setup, data, config)).runs).toBe(0);
    const close = data.columns[1]!.close[2000]!;
    const variants: Array<[string, MarketData, EngineConfig, number, CanaryCacheSetup]> = [
      ['open', withValue(data, 'open', 5, data.columns[1]!.open[5]! * 1.001), config, 7, setup],
      ['high', withValue(data, 'high', 7, data.columns[1]!.high[7]! * 1.001), config, 7, setup],
      ['low', withValue(data, 'low', 9, data.columns[1]!.low[9]! * 0.999), config, 7, setup],
      ['close', withValue(data, 'close', 2000, close + 1e-9), config, 7, setup],
      ['volume', withValue(data, 'volume', 11, data.columns[1]!.volume[11]! + 1), config, 7, setup],
      ['time', withValue(data, 'time', data.time.length - 1, data.time.at(-1)! + 300_000), config, 7, setup],
      ['pairs', { ...data, pairs: ['ETH/USD', 'ADA/USD'] }, config, 7, setup],
      ['initialCash', data, { ...config, initialCash: 20_000 }, 7, setup],
      ['slippage', data, { ...config, slippage: 0.001 }, 7, setup],
      ['fees', data, { ...config, fees: [config.fees[0]!, { ...config.fees[1]!, taker: 0.005 }] }, 7, setup],
      ['rules', data, { ...config, rules: [config.rules[0]!, { ...config.rules[1]!, lotDecimals: 2 }] }, 7, setup],
      ['seed', data, config, 8, setup],
      ['code', data, config, 7, { dir, codeDigest: 'code-b' }],
    ];
    for (const [part, d, c, seed, s] of variants) {
      expect({ part, runs: (await judged(s, d, c, seed)).runs }).toEqual({ part, runs: 1 });
    }
    // What the canaries never read is not in the key: the candidate's params, limits, window and warm-up.
    const candidate = { ...config, params: { fast: 5 }, start: 100, end: 2000, warmupSteps: 20, limits: { ...config.limits, maxOpenPositions: 1 } };
    expect((await judged(setup, data, candidate)).runs).toBe(0);
  });

  it('a damaged or foreign entry is a miss and is replaced', async () => {
    const setup = { dir, codeDigest: 'code-a' };
    await judged(setup, data, config);
    const [file] = readdirSync(dir);
    for (const text of [
      '{ not json',
      JSON.stringify({ key: 'other', report: stubReport(1) }),
      JSON.stringify({ key: file!.slice(0, -5), report: { passed: 'yes' } }),
    ]) {
      writeFileSync(join(dir, file!), text);
      expect((await judged(setup, data, config)).runs).toBe(1);
      expect((await judged(setup, data, config)).runs).toBe(0);
    }
  });

  it('a report JSON cannot hold exactly is not stored, and nothing is cached without a setup or without readable code', async () => {
    const setup = { dir, codeDigest: 'code-a' };
    expect((await judged(setup, data, config, 7, stubReport(Number.NaN))).runs).toBe(1);
    expect((await judged(setup, data, config, 7, stubReport(Number.NaN))).runs).toBe(1);
    expect(readdirSync(dir)).toHaveLength(0);
    expect((await judged(undefined, data, config)).runs).toBe(1);
    expect((await judged({ dir, codeDigest: '' }, data, config)).runs).toBe(1);
    expect((await judged({ dir, codeDigest: '' }, data, config)).runs).toBe(1);
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it('the code digest changes with any file of the canaries code and is empty where that code is missing', () => {
    const root = join(dir, 'checkout');
    const folders = ['src/backtest', 'src/trading', 'src/contract', 'src/clock', 'src/sim', 'strategy/skills'];
    for (const f of folders) {
      mkdirSync(join(root, f), { recursive: true });
      writeFileSync(join(root, f, 'a.ts'), 'export const a = 1;\n');
    }
    mkdirSync(join(root, 'node_modules/zod'), { recursive: true });
    writeFileSync(join(root, 'node_modules/zod/package.json'), '{"version":"4.0.0"}');
    writeFileSync(join(root, 'package.json'), '{}');
    const base = canaryCodeDigest(root);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    for (const f of folders) {
      writeFileSync(join(root, f, 'a.ts'), 'export const a = 2;\n');
      expect({ f, same: canaryCodeDigest(root) === base }).toEqual({ f, same: false });
      writeFileSync(join(root, f, 'a.ts'), 'export const a = 1;\n');
    }
    expect(canaryCodeDigest(root)).toBe(base);
    writeFileSync(join(root, 'node_modules/zod/package.json'), '{"version":"4.1.0"}');
    expect(canaryCodeDigest(root)).not.toBe(base);
    rmSync(join(root, 'src/trading'), { recursive: true });
    expect(canaryCodeDigest(root)).toBe('');
    expect(canaryCodeDigest()).toMatch(/^[0-9a-f]{64}$/);
  });
});
