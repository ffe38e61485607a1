import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { backtestsRepo } from '../../src/db/backtests.repo.ts';
import { openDatabase } from '../../src/db/index.ts';
import { versionsRepo } from '../../src/db/versions.repo.ts';
import { Gates } from '../../src/sandbox/gates/index.ts';
import { sharedOhlcvDir } from '../../src/paths.ts';
import { fakeIo } from '../cli/fake-io.ts';

const SAMPLE = resolve('data/sample');
const HEADER = 'time,open,high,low,close,volume';

describe('brain backtest', () => {
  it('runs v001 in the sandbox over CSV candles: progress on stderr, summary and report folder on stdout, row stored', async () => {
    const io = fakeIo();
    const code = await main(
      [
        'backtest',
        '--data',
        SAMPLE,
        '--timeframe',
        '5m',
        '--pairs',
        'ETH/USD,SOL/USD',
        '--from',
        '2024-09-05',
        '--to',
        '2024-09-12',
        '--db',
        'brain.db',
        '--out',
        'rep',
      ],
      io,
    );
    expect(io.err()).toMatch(/backtest \[=+\] 7\/7 done/);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/Backtest from\s+2024-09-05 00:00/);
    expect(io.out()).toMatch(/strategy sha256:[0-9a-f]{16}\s+backtest id 1/);
    expect(io.out()).toContain(`report ${join(io.cwd, 'rep', 'report.html')}`);
    expect(io.out()).not.toContain('backtest [');
    expect(existsSync(join(io.cwd, 'rep', 'equity.png'))).toBe(true);
    expect(io.out()).toMatch(/canaries: passed/);
    expect(io.out()).toMatch(/look-ahead \(5 truncated re-runs\): passed/);
    expect(io.out()).toMatch(/walk-forward \(4 windows\)/);
    expect(io.out()).toMatch(/parameter jitter ±10 % \(16 runs\)/);
    const db = openDatabase({ path: join(io.cwd, 'brain.db') });
    const row = backtestsRepo(db).byId(1)!;
    db.close();
    expect(row).toMatchObject({
      pairs: ['ETH/USD', 'SOL/USD'],
      fromTime: Date.UTC(2024, 8, 5),
      gates: { passed: true, canaries: { passed: true }, lookAhead: { passed: true } },
    });
    expect(row.gates).toHaveProperty('walkForward.windows.length', 4);
    expect(row.gates).toHaveProperty('jitter.runs.length', 16);
    expect(row.strategyVersionId).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(row.monteCarlo).toHaveProperty('shuffle.maxDrawdown.p95');
  });

  it('exits 0 on a strongly rising real window (H1 2023, BTC/ETH/SOL +78 %): the buy-and-hold canary charges costs as the engine does', async () => {
    const io = fakeIo();
    const code = await main(
      ['backtest', '--data', join(sharedOhlcvDir(), 'kraken-2023'), '--timeframe', '1h', '--pairs', 'BTC/USD,ETH/USD,SOL/USD', '--db', 'brain.db'],
      io,
    );
    expect(io.out()).toMatch(/canaries: passed\s+buy-and-hold ok/);
    expect(code).toBe(0);
  });

  it('writes no report folder unless asked, and keeps the strategy file’s gate verdict beside the database for the next run', async () => {
    const io = fakeIo();
    const args = ['backtest', '--data', SAMPLE, ...'--timeframe 5m --pairs XRP/USD --from 2024-09-10 --db data/brain.db --quick'.split(' ')];
    expect(await main(args, io)).toBe(0);
    expect(io.out()).toContain('report (none: pass --report or --out DIR for the HTML/PNG report)');
    expect(existsSync(join(io.cwd, 'reports'))).toBe(false);
    expect(readdirSync(join(io.cwd, 'data', 'gate-cache'))).toHaveLength(1);
    expect(await main([...args, '--report'], io)).toBe(0);
    expect(readdirSync(join(io.cwd, 'reports'))).toHaveLength(1);
    expect(readdirSync(join(io.cwd, 'data', 'gate-cache'))).toHaveLength(1);
  });

  it('rejects an unparsable date as a usage error naming the flag', async () => {
    const io = fakeIo();
    expect(await main(['backtest', '--data', SAMPLE, '--timeframe', '5m', '--from', 'yesterday', '--db', ':memory:'], io)).toBe(2);
    expect(io.err()).toContain('--from must be a UTC date');
  });
});

describe('brain data import', () => {
  it('imports a CSV folder and lists each series', async () => {
    const io = fakeIo({ 'csv/ETH-USD_1h.csv': `${HEADER}\n1719792000,3400,3410,3390,3405,12\n1719795600,3405,3420,3400,3410,8\n` });
    expect(await main(['data', 'import', 'csv', '--db', 'brain.db'], io)).toBe(0);
    expect(io.out()).toMatch(/ETH\/USD 1h: 2 candles 2024-07-01 00:00 → 2024-07-01 01:00/);
  });

  it('fails with the file and line of a bad row and writes nothing', async () => {
    const io = fakeIo({ 'csv/ETH-USD_1h.csv': `${HEADER}\n1719792000,3400,3410,3390,3405,12\n1719795600,3405,3420,3400,oops,8\n` });
    expect(await main(['data', 'import', 'csv', '--db', 'brain.db'], io)).toBe(1);
    expect(io.err()).toMatch(/ETH-USD_1h\.csv:3: every field must be a finite number/);
  });

  it('asks for the folder when it is missing', async () => {
    const io = fakeIo();
    expect(await main(['data', 'import'], io)).toBe(2);
    expect(io.err()).toContain('import needs the CSV folder');
  });
});

describe('brain data gaps', () => {
  it('lists the missing 5m intervals of the bundled sample (Kraken sends no candle without trades)', async () => {
    const io = fakeIo();
    expect(await main(['data', 'import', SAMPLE, '--db', 'brain.db'], io)).toBe(0);
    expect(await main(['data', 'gaps', '--timeframe', '5m', '--pairs', 'BTC/USD,ETH/USD,ADA/USD', '--db', 'brain.db'], io)).toBe(0);
    // 21 days × 288 = 6048 intervals; the ETH file has 6041 rows.
    expect(io.out()).toMatch(/ETH\/USD 5m: 7 missing in \d+ gap\(s\)/);
    expect(io.out()).toContain('BTC/USD 5m: no gaps');
    expect(io.out()).toContain('ADA/USD 5m: no candles stored');
  });
});

describe('brain backtest --strategy VERSION', () => {
  it('runs a stored version found by its label and records its id; --quick skips the gates that re-run it', async () => {
    const io = fakeIo();
    const source = readFileSync('strategy/active/strategy.ts', 'utf8');
    const gated = await new Gates(resolve('.')).run({ kind: 'strategy', source });
    if (!gated.ok) throw new Error('v001 must pass the gates');
    const db = openDatabase({ path: join(io.cwd, 'brain.db') });
    versionsRepo(db).insert({
      id: 'sha256:v001test',
      kind: 'strategy',
      name: 'ema-cross-rsi-volume',
      label: 'v001',
      source,
      sourceSha256: gated.sourceSha256,
      bundle: gated.bundle,
      bundleSha256: gated.bundleSha256,
      parentId: null,
      authorKind: 'human',
      authorModel: null,
      promptSha256: null,
      createdAt: 0,
      gateResults: {},
      backtestId: null,
      status: 'deployed',
    });
    db.close();
    const code = await main(
      ['backtest', '--strategy', 'v001', '--data', SAMPLE, '--timeframe', '5m', '--pairs', 'XRP/USD', '--from', '2024-09-10', '--db', 'brain.db', '--quick'],
      io,
    );
    expect(io.out()).toContain('strategy sha256:v001test  backtest id 1');
    expect(io.out()).toContain('look-ahead, walk-forward, jitter: skipped (--quick)');
    expect(code).toBe(0);
  });

  it('says what it looked for when the version does not exist', async () => {
    const io = fakeIo();
    expect(await main(['backtest', '--strategy', 'v999', '--data', SAMPLE, '--timeframe', '5m', '--db', 'brain.db'], io)).toBe(2);
    expect(io.err()).toContain('--strategy "v999" is neither a file nor a strategy version id or label');
  });
});
