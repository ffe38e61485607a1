import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.ts';
import { candles, T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

const STEP = 300_000;

describe('candles repository', () => {
  it('upserts candles and reads a half-open [from, to) range back in time order', () => {
    const repo = createRepositories(memoryDb()).candles;
    const data = candles(10);
    expect(repo.upsertMany('BTC/USD', '5m', [...data].reverse())).toBe(10);
    expect(repo.range('BTC/USD', '5m', T0, T0 + 10 * STEP)).toEqual(data);
    expect(repo.range('BTC/USD', '5m', T0 + 2 * STEP, T0 + 5 * STEP)).toEqual(data.slice(2, 5));
  });

  it('replaces an existing candle instead of duplicating it', () => {
    const repo = createRepositories(memoryDb()).candles;
    const [first] = candles(1);
    repo.upsertMany('BTC/USD', '5m', [first!]);
    const revised = { ...first!, close: first!.close * 1.0005, high: first!.high * 1.001, volume: 99 };
    repo.upsertMany('BTC/USD', '5m', [revised]);
    expect(repo.count('BTC/USD', '5m')).toBe(1);
    expect(repo.range('BTC/USD', '5m', T0, T0 + STEP)).toEqual([revised]);
  });

  it('keeps pairs and timeframes apart', () => {
    const repo = createRepositories(memoryDb()).candles;
    repo.upsertMany('BTC/USD', '5m', candles(3));
    repo.upsertMany('BTC/USD', '1h', candles(2));
    repo.upsertMany('ETH/USD', '5m', candles(4));
    expect([repo.count('BTC/USD', '5m'), repo.count('BTC/USD', '1h'), repo.count('ETH/USD', '5m')]).toEqual([3, 2, 4]);
    expect(repo.count('SOL/USD', '5m')).toBe(0);
  });

  it('returns the same range as typed columns', () => {
    const repo = createRepositories(memoryDb()).candles;
    const data = candles(50);
    repo.upsertMany('ETH/USD', '5m', data);
    const cols = repo.rangeColumns('ETH/USD', '5m', T0 + STEP, T0 + 40 * STEP);
    const slice = data.slice(1, 40);
    expect(cols.time).toBeInstanceOf(Float64Array);
    expect(Array.from(cols.time)).toEqual(slice.map((c) => c.time));
    expect(Array.from(cols.open)).toEqual(slice.map((c) => c.open));
    expect(Array.from(cols.high)).toEqual(slice.map((c) => c.high));
    expect(Array.from(cols.low)).toEqual(slice.map((c) => c.low));
    expect(Array.from(cols.close)).toEqual(slice.map((c) => c.close));
    expect(Array.from(cols.volume)).toEqual(slice.map((c) => c.volume));
  });

  it('gives empty columns for an empty range', () => {
    const repo = createRepositories(memoryDb()).candles;
    const cols = repo.rangeColumns('ETH/USD', '5m', 0, T0);
    expect(cols.close.length).toBe(0);
  });

  it('reports the latest candle time, or null when there is none', () => {
    const repo = createRepositories(memoryDb()).candles;
    expect(repo.latestTime('BTC/USD', '5m')).toBeNull();
    repo.upsertMany('BTC/USD', '5m', candles(6));
    expect(repo.latestTime('BTC/USD', '5m')).toBe(T0 + 5 * STEP);
  });

  it('deletes a range and reports how many candles went', () => {
    const repo = createRepositories(memoryDb()).candles;
    repo.upsertMany('BTC/USD', '5m', candles(10));
    expect(repo.deleteRange('BTC/USD', '5m', T0, T0 + 4 * STEP)).toBe(4);
    expect(repo.count('BTC/USD', '5m')).toBe(6);
    expect(repo.range('BTC/USD', '5m', 0, Number.MAX_SAFE_INTEGER)[0]?.time).toBe(T0 + 4 * STEP);
  });

  it('writes nothing when one candle of a batch is refused', () => {
    const repo = createRepositories(memoryDb()).candles;
    const data = candles(5);
    const bad = { ...data[3]!, close: null as unknown as number };
    expect(() => repo.upsertMany('BTC/USD', '5m', [...data.slice(0, 3), bad])).toThrow(/NOT NULL/);
    expect(repo.count('BTC/USD', '5m')).toBe(0);
  });
});

describe('candles repository bulk path', () => {
  it('upserts batches larger than one multi-row statement, duplicates inside the batch included', () => {
    const repo = createRepositories(memoryDb()).candles;
    const data = candles(150);
    const revisedLast = { ...data[149]!, volume: 1234 };
    expect(repo.upsertMany('DOT/USD', '1m', [...data, data[10]!, revisedLast])).toBe(152);
    expect(repo.count('DOT/USD', '1m')).toBe(150);
    expect(repo.range('DOT/USD', '1m', T0, T0 + 150 * STEP)).toEqual([...data.slice(0, 149), revisedLast]);
  });
});
