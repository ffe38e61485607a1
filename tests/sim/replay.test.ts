import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandleColumns } from '../../src/market/csv.ts';
import { loadCandleDir, SimDataError, type CandleSeries } from '../../src/sim/candles-csv.ts';
import { candlePath } from '../../src/sim/path.ts';
import { restClient, startSim } from './helpers.ts';

const params = { seed: 3, pairIndex: 0, tickSize: 0.1, lotDecimals: 8 };
const csv = 'time,open,high,low,close,volume\n1725148800,100,110,90,105,10\n1725149100,105,106,95,96,4\n';

describe('market replay', () => {
  it('a rising candle visits its low before its high, a falling one the high first, and volumes sum to the candle', () => {
    const s: CandleSeries = { pair: 'BTC/USD', intervalMs: 300_000, ...parseCandleColumns(csv, 'inline', '5m') };
    const up = candlePath(s, 0, params);
    const down = candlePath(s, 1, params);
    const at = (path: typeof up, p: number) => path.findIndex((t) => t.price === p);
    expect(up[0]!.price).toBe(100);
    expect(up[up.length - 1]!.price).toBe(105);
    expect(at(up, 90)).toBeLessThan(at(up, 110));
    expect(at(down, 106)).toBeLessThan(at(down, 95));
    expect(up.reduce((sum, t) => sum + t.qty, 0)).toBeCloseTo(10, 8);
    expect(up.every((t) => t.time >= 1725148800_000 && t.time < 1725149100_000)).toBe(true);
  });

  it('the same seed replays the same trades and fills; another seed gives other paths', async () => {
    const run = async (seed: number) => {
      const sim = await startSim({ seed, pairs: ['ETH/USD'] });
      const rest = restClient(sim);
      await rest.post('AddOrder', { pair: 'ETHUSD', type: 'buy', ordertype: 'market', volume: '0.5' });
      await sim.advance(3600_000);
      const out = JSON.stringify([(await rest.get('OHLC', { pair: 'ETHUSD', interval: '1' })).result, sim.engine.trades().map((t) => [t.price, t.vol])]);
      await sim.close();
      return out;
    };
    const a = await run(11);
    expect(await run(11)).toBe(a);
    expect(await run(12)).not.toBe(a);
  });

  it('rejects a CSV with the wrong header or a bad row, naming the file and line, as brain backtest --data does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-csv-'));
    writeFileSync(join(dir, 'BTC-USD_5m.csv'), 'ts,o,h,l,c,v\n');
    expect(() => loadCandleDir(dir)).toThrow(/BTC-USD_5m\.csv:1: expected the header/);
    writeFileSync(join(dir, 'BTC-USD_5m.csv'), 'time,open,high,low,close,volume\n1725148800,2,3,abc,5,6\n');
    expect(() => loadCandleDir(dir)).toThrow(/BTC-USD_5m\.csv:2: every field must be a finite number/);
    // Milliseconds pass every other check (whole, on the grid): refused, not replayed as year 56637.
    writeFileSync(join(dir, 'BTC-USD_5m.csv'), 'time,open,high,low,close,volume\n1725148800000,100,110,90,105,10\n');
    expect(() => loadCandleDir(dir)).toThrow(/BTC-USD_5m\.csv:2: time 1725148800000 looks like unix milliseconds/);
  });

  it('says why a folder has no usable candles', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sim-csv-'));
    expect(() => loadCandleDir(empty)).toThrow(
      /no usable candles in .*: no candle file of a known pair \(the folder is empty\); name them <BASE>-USD_<tf>\.csv/,
    );
    writeFileSync(join(empty, 'notes.txt'), 'x');
    writeFileSync(join(empty, 'FOO-USD_5m.csv'), csv);
    expect(() => loadCandleDir(empty)).toThrow(/no candle file of a known pair \(found FOO-USD_5m\.csv, notes\.txt\)/);
    writeFileSync(join(empty, 'ETH-USD_5m.csv'), 'time,open,high,low,close,volume\n');
    expect(() => loadCandleDir(empty)).toThrow(/ETH-USD_5m\.csv: the file has a header but no rows/);
  });

  it('loads the finest timeframe per pair from a folder and names a missing pair', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-csv-'));
    writeFileSync(join(dir, 'SOL-USD_5m.csv'), csv);
    writeFileSync(join(dir, 'SOL-USD_1h.csv'), csv);
    const [series] = loadCandleDir(dir);
    expect(series).toMatchObject({ pair: 'SOL/USD', intervalMs: 300_000 });
    expect(series!.time[0]).toBe(1725148800_000);
    expect(() => loadCandleDir(dir, ['ADA/USD'])).toThrow(SimDataError);
  });
});
