/**
 * `brain demo --data DIR` and `brain run --sim SPEED --data DIR`: the whole daemon on the operator's own
 * candle folder, in the format `brain backtest --data` reads, with a clear error when the folder has no
 * usable candles.
 */
import { readFileSync } from 'node:fs';
import { vi, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { fakeIo } from './fake-io.ts';

const HEADER = 'time,open,high,low,close,volume';
/** The first `days` of the bundled ETH/USD 5m candles, as an operator's own file. */
const ethDays = (days: number) =>
  readFileSync('data/sample/ETH-USD_5m.csv', 'utf8')
    .trim()
    .split('\n')
    .slice(0, 1 + days * 288)
    .join('\n');

describe('brain demo --data DIR', () => {
  it('replays the folder it is given, for the pairs and days asked, and prints the summary', async () => {
    const io = fakeIo({ 'mine/ETH-USD_5m.csv': ethDays(3), 'mine/notes.txt': 'not candles' });
    const code = await main(['demo', '--data', 'mine', '--days', '0.25', '--pairs', 'ETH/USD'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(io.out()).toMatch(/replaying ETH\/USD from \d{4}-\d\d-\d\d \d\d:\d\d to .* \(candles from .*mine\) in paper mode/);
    expect(io.out()).toMatch(/── summary: 0\.3 days of 5m candles \(72 steps\)/);
  }, 120_000);

  it('names the folder and what it lacks when it has no usable candles', async () => {
    const empty = fakeIo({ 'mine/readme.txt': 'x' });
    expect(await main(['demo', '--data', 'mine'], empty)).toBe(EXIT.failure);
    expect(empty.err()).toMatch(
      /brain demo: \[sim\.bad_data\] no usable candles in .*mine: no candle file of a known pair \(found readme\.txt\); name them <BASE>-USD_<tf>\.csv/,
    );

    const short = fakeIo({ 'mine/ETH-USD_5m.csv': ethDays(1) });
    expect(await main(['demo', '--data', 'mine'], short)).toBe(EXIT.failure);
    expect(short.err()).toMatch(
      /no usable candles in .*mine: ETH\/USD have candles in common over .* \(1\.0 days\), and a replay needs more than its 2-day warm-up/,
    );

    const bad = fakeIo({ 'mine/ETH-USD_5m.csv': `${HEADER}\n1725148800000,100,110,90,105,10\n` });
    expect(await main(['demo', '--data', 'mine'], bad)).toBe(EXIT.failure);
    expect(bad.err()).toMatch(/ETH-USD_5m\.csv:2: time 1725148800000 looks like unix milliseconds/);

    const other = fakeIo({ 'mine/ETH-USD_5m.csv': ethDays(3) });
    expect(await main(['demo', '--data', 'mine', '--pairs', 'BTC/USD'], other)).toBe(EXIT.failure);
    expect(other.err()).toMatch(/no candle CSV for BTC\/USD in .*mine \(expected e\.g\. BTC-USD_5m\.csv\)/);
  });

  it('refuses an unknown pair as a usage error', async () => {
    const io = fakeIo();
    expect(await main(['demo', '--pairs', 'FOO/USD'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('--pairs: unknown pair "FOO/USD"');
  });
});

describe('brain run --sim SPEED --data DIR', () => {
  it('runs the daemon on the simulator replaying that folder, trading the pairs it has', async () => {
    const io = fakeIo({ 'mine/ETH-USD_5m.csv': ethDays(3) });
    const exit = main(['run', '--mode', 'paper', '--sim', '1', '--data', 'mine'], io);
    await vi.waitFor(() => expect(io.out()).toContain('"msg":"brain running"'), { timeout: 60_000, interval: 50 });
    expect(io.out()).toMatch(/"pairs":\["ETH\/USD"\].*"market":"simulator"/);
    io.stop('SIGINT');
    expect(await exit).toBe(EXIT.ok);
  }, 90_000);

  it('fails with the same clear error on a folder without usable candles, and wants --sim with --data', async () => {
    const io = fakeIo({ 'mine/.keep': '' });
    expect(await main(['run', '--sim', '1', '--data', 'mine'], io)).toBe(EXIT.failure);
    expect(io.err()).toMatch(/brain run: \[sim\.bad_data\] no usable candles in .*mine/);
    const usage = fakeIo();
    expect(await main(['run', '--data', 'mine'], usage)).toBe(EXIT.usage);
    expect(usage.err()).toContain('--data replays a candle folder through the simulator: use it with --sim SPEED');
  });
});
