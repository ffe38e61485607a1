import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, type MetricsInput } from '../../src/backtest/metrics.ts';
import { terminalSummary, writeReport, type ReportFiles } from '../../src/backtest/report/index.ts';
import { num, money } from '../../src/backtest/report/format.ts';
import { thin } from '../../src/backtest/report/charts.ts';
import { T0, seededReturns, trade } from './metrics-fixtures.ts';

const H = 3_600_000;

/** Decodes a PNG far enough to prove it is whole: signature, IHDR size, inflatable IDAT stream. */
function decodePng(buf: Buffer): { width: number; height: number; pixelsBytes: number } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  return { width, height, pixelsBytes: inflateSync(Buffer.concat(idat)).length };
}

function input(): MetricsInput {
  const returns = seededReturns(24 * 60, 3).map((r) => r / 5);
  const time: number[] = [];
  const value: number[] = [];
  let v = 10_000;
  returns.forEach((r, i) => {
    v *= 1 + r;
    time.push(T0 + i * H);
    value.push(v);
  });
  const close = (drift: number) => time.map((_, i) => 100 * (1 + drift * i));
  return {
    startingBalance: 10_000,
    equity: { time, value },
    trades: [trade({ pnl: 120 }), trade({ pnl: -40, pair: 'ETH/USD', exitReason: 'stop_loss' }), trade({ pnl: 15, pair: 'SOL/USD' })],
    markets: [
      { pair: 'BTC/USD', time, close: close(0.0002) },
      { pair: 'ETH/USD', time, close: close(-0.0001) },
    ],
  };
}

describe('backtest report', () => {
  let dir: string;
  let files: ReportFiles;
  const data = input();
  const metrics = computeMetrics(data);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'brain-report-'));
    files = await writeReport({
      dir: join(dir, 'run-1'),
      title: 'Backtest v001',
      subtitle: ['pairs: BTC/USD, ETH/USD'],
      metrics,
      equity: data.equity,
      markets: data.markets,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the HTML page, three PNG charts and the metrics JSON into the named folder', () => {
    expect(files.dir).toBe(join(dir, 'run-1'));
    expect(files.charts.map((f) => f.slice(files.dir.length + 1))).toEqual(['equity.png', 'drawdown.png', 'pairs.png', 'price-BTC.png', 'price-ETH.png']);
    for (const f of [files.html, files.json, ...files.charts]) expect(existsSync(f)).toBe(true);
  });

  it('renders charts as PNGs that decode to full images', () => {
    for (const f of files.charts) {
      const png = decodePng(readFileSync(f));
      expect(png.width).toBeGreaterThan(800);
      expect(png.height).toBeGreaterThan(100);
      expect(png.pixelsBytes).toBeGreaterThan(png.width * png.height);
    }
  });

  it('shows the key numbers in the HTML and links every chart', () => {
    const html = readFileSync(files.html, 'utf8');
    for (const text of [num(metrics.sharpe), num(metrics.sortino), money(metrics.finalBalance), 'DSR', 'Exposure', 'SOL/USD', 'stop_loss']) {
      expect(html).toContain(text);
    }
    for (const f of ['equity.png', 'drawdown.png', 'pairs.png']) expect(html).toContain(`src="${f}"`);
  });

  it('stores the same metrics as JSON', () => {
    expect(JSON.parse(readFileSync(files.json, 'utf8')).trades).toBe(3);
  });

  it('prints a terminal summary with the per-pair and exit-reason tables', () => {
    const text = terminalSummary(metrics);
    expect(text).toMatch(/Total trades\s+3/);
    expect(text).toMatch(/Max drawdown\s+\d+\.\d\d %/);
    expect(text).toContain('Exit reason');
  });

  it('thins long curves but keeps each window’s extreme and the last point', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i === 4321 ? 99 : 1));
    const idx = thin(values.length, (i) => values[i]!, 100);
    expect(idx.length).toBeLessThanOrEqual(101);
    expect(idx).toContain(4321);
    expect(idx.at(-1)).toBe(9999);
  });
});
