import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCandleColumns, parseCandleCsv, seriesFromFileName } from '../../src/market/csv.ts';
import { sharedOhlcvDir } from '../../src/paths.ts';
import { importCsvDir } from '../../src/market/import.ts';
import { fakeCandleDb } from './fakes.ts';

const HEADER = 'time,open,high,low,close,volume';
const GOOD = [HEADER, '1719792000,62772.01,62809.01,62722.07,62722.08,93.0944', '1719792300,62722.08,62798.95,62648.48,62648.49,195.58295', ''].join('\n');
const withRow = (row: string) => [HEADER, '1719792000,10,11,9,10,1', row].join('\n');

describe('CSV candle parsing', () => {
  it('converts unix seconds to milliseconds and keeps every field', () => {
    expect(parseCandleCsv(GOOD, 'BTC-USD_5m.csv', '5m')[1]).toEqual({
      time: 1719792300_000,
      open: 62722.08,
      high: 62798.95,
      low: 62648.48,
      close: 62648.49,
      volume: 195.58295,
    });
  });

  it.each([
    ['a wrong header', 'time,o,h,l,c,v\n', /f\.csv:1: expected the header/],
    ['a missing field', withRow('1719792300,10,11,9,10'), /f\.csv:3: expected 6 fields/],
    ['a non-number', withRow('1719792300,10,abc,9,10,1'), /f\.csv:3: every field must be a finite number, got "1719792300,10,abc,9,10,1"/],
    ['low above the close', withRow('1719792300,10,11,10.5,10,1'), /f\.csv:3: need low <= open,close <= high/],
    ['a repeated time', withRow('1719792000,10,11,9,10,1'), /f\.csv:3: time must be strictly after/],
    ['a time off the 5m grid', withRow('1719792301,10,11,9,10,1'), /f\.csv:3: time is not aligned/],
    ['a fractional timestamp', withRow('1719792300000.5,10,11,9,10,1'), /f\.csv:3: time must be whole unix seconds/],
    // Whole and on the 5m grid, it used to be stored as year 56637.
    [
      'a millisecond timestamp',
      withRow('1719792300000,10,11,9,10,1'),
      /f\.csv:3: time 1719792300000 looks like unix milliseconds \(2024-07-01T00:05:00\.000Z if it were\); the time column is unix seconds: divide it by 1000, got "1719792300000,10,11,9,10,1"/,
    ],
    ['a negative volume', withRow('1719792300,10,11,9,10,-1'), /f\.csv:3: prices must be > 0 and volume >= 0/],
  ])('rejects %s with the file and line', (_what, text, message) => {
    expect(() => parseCandleCsv(text, 'f.csv', '5m')).toThrow(message);
  });

  it('reads every number of the shared candle files exactly as Number() does', () => {
    const dir = sharedOhlcvDir();
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      const c = parseCandleColumns(Buffer.from(text), name, seriesFromFileName(name).timeframe);
      const rows = text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',').map(Number));
      expect(c.time.length, name).toBe(rows.length);
      const cols = [c.time, c.open, c.high, c.low, c.close, c.volume];
      rows.forEach((r, i) =>
        r.forEach((x, k) => {
          if (cols[k]![i] !== (k === 0 ? x * 1000 : x)) expect.fail(`${name} row ${i + 2} field ${k}: ${cols[k]![i]} vs ${x}`);
        }),
      );
    }
  });

  it('reads any decimal as Number() does: digits, dot, sign, exponent, blanks', () => {
    const decimal = fc.oneof(
      fc.double({ min: 1e-9, max: 1e12, noNaN: true }).map(String),
      fc.tuple(fc.nat({ max: 10 ** 9 }), fc.nat({ max: 10 ** 9 }), fc.integer({ min: 0, max: 25 })).map(([a, b, z]) => `${a}.${'0'.repeat(z)}${b}`),
      fc.stringMatching(/^ ?[0-9]{1,20}(\.[0-9]{0,24})?(e-?[0-9])? ?$/),
    );
    fc.assert(
      fc.property(decimal, (v) => {
        const x = Number(v);
        fc.pre(x > 0 && Number.isFinite(x));
        const c = parseCandleColumns(`${HEADER}\n1719792000,${v},${v},${v},${v},${v}\n`, 'f.csv', '5m');
        expect(c.volume[0]).toBe(x);
        expect(c.open[0]).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads plain rows (the one-pass reader of csv-row.ts) as Number() does, up to and past 2^53 in digits', () => {
    const plain = fc
      .tuple(fc.stringMatching(/^[1-9][0-9]{0,18}$/), fc.integer({ min: 0, max: 19 }))
      .map(([digits, dot]) => (dot === 0 || dot >= digits.length ? digits : `${digits.slice(0, dot)}.${digits.slice(dot)}`));
    fc.assert(
      fc.property(plain, fc.boolean(), (v, crlf) => {
        const nl = crlf ? '\r\n' : '\n';
        const c = parseCandleColumns(`${HEADER}${nl}1719792000,${v},${v},${v},${v},${v}${nl}1719792300,${v},${v},${v},${v},${v}`, 'f.csv', '5m');
        expect(Array.from(c.open)).toEqual([Number(v), Number(v)]);
        expect(Array.from(c.volume)).toEqual([Number(v), Number(v)]);
      }),
      { numRuns: 3000 },
    );
  });

  it('names the right line when plain rows and rows the careful reader takes alternate', () => {
    const rows = ['1719792000,10,11,9,10,1', ' 1719792300,10,11,9,10,1', '', '1719792600,1e1,11,9,10,1', '1719792900,10,11,9,10,1', '1719793200,10,11,9,12,1'];
    expect(() => parseCandleCsv([HEADER, ...rows].join('\r\n'), 'f.csv', '5m')).toThrow(
      /f\.csv:7: need low <= open,close <= high, got "1719793200,10,11,9,12,1"/,
    );
  });

  it('accepts CRLF line endings, blank lines and a last line without a newline', () => {
    const c = parseCandleColumns(`${HEADER}\r\n1719792000,10,11,9,10,1\r\n\r\n1719792300,10,11,9,10.5,2`, 'f.csv', '5m');
    expect(Array.from(c.close)).toEqual([10, 10.5]);
    expect(Array.from(c.time)).toEqual([1719792000_000, 1719792300_000]);
  });

  it('finds a time off the grid by any whole second, up to the largest time in seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Math.floor((1e11 - 1) / 3600) - 1 }), fc.integer({ min: 1, max: 3599 }), (hour, off) => {
        const on = hour * 3600;
        expect(() => parseCandleColumns(`${HEADER}\n${on},10,11,9,10,1\n`, 'f.csv', '1h')).not.toThrow();
        expect(() => parseCandleColumns(`${HEADER}\n${on + off},10,11,9,10,1\n`, 'f.csv', '1h')).toThrow(/time is not aligned/);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads pair and timeframe from the file name and rejects an unknown one', () => {
    expect(seriesFromFileName('/x/DOGE-USD_1h.csv')).toEqual({ pair: 'DOGE/USD', timeframe: '1h' });
    expect(() => seriesFromFileName('/x/FOO-USD_5m.csv')).toThrow(/FOO-USD_5m\.csv: cannot tell pair and timeframe/);
  });
});

describe('importing a CSV folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'brain-csv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports every file of a folder into its series', async () => {
    writeFileSync(join(dir, 'BTC-USD_5m.csv'), GOOD);
    writeFileSync(join(dir, 'ETH-USD_1h.csv'), [HEADER, '1719792000,3400,3410,3390,3405,12'].join('\n'));
    const db = fakeCandleDb();
    const files = await importCsvDir(db, dir);
    expect(files.map((f) => [f.pair, f.timeframe, f.rows])).toEqual([
      ['BTC/USD', '5m', 2],
      ['ETH/USD', '1h', 1],
    ]);
    expect(db.repo.count('BTC/USD', '5m')).toBe(2);
  });

  it('writes nothing when any file has a bad row', async () => {
    writeFileSync(join(dir, 'BTC-USD_5m.csv'), GOOD);
    writeFileSync(join(dir, 'ETH-USD_5m.csv'), withRow('1719792300,10,11,9,x,1'));
    const db = fakeCandleDb();
    await expect(importCsvDir(db, dir)).rejects.toThrow(/ETH-USD_5m\.csv:3/);
    expect(db.repo.count('BTC/USD', '5m')).toBe(0);
  });
});
