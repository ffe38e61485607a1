import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { acquirePidLock, databaseLockPath } from '../../src/lock/index.ts';
import { fakeIo, type FakeIo } from './fake-io.ts';

const T = Date.UTC(2026, 0, 5);

/** A paper account that bought 0.1 BTC at 50 000 (fee 20) and holds it: every record agrees. */
function paperAccount(io: FakeIo): string {
  const path = join(io.cwd, 'data', 'brain.db');
  const db = openDatabase({ path });
  const r = createRepositories(db);
  r.orders.insertIntent({
    clOrdId: 'p1-1',
    pair: 'BTC/USD',
    side: 'buy',
    type: 'market',
    quantity: 0.1,
    limitPrice: null,
    positionId: 'p1',
    reason: 'signal',
    createdAt: T,
  });
  r.orders.updateStatus('p1-1', { status: 'filled', filledQuantity: 0.1, venueOrderId: 'PAPER-p1-1', updatedAt: T + 1 });
  r.fills.insert({ tradeId: 't1', clOrdId: 'p1-1', pair: 'BTC/USD', side: 'buy', price: 50_000, quantity: 0.1, fee: 20, liquidity: 'taker', time: T + 1 });
  r.positions.save({
    id: 'p1',
    pair: 'BTC/USD',
    status: 'open',
    quantity: 0.1,
    entryPrice: 50_000,
    entryFees: 20,
    exitFees: 0,
    realizedPnl: 0,
    stopLoss: null,
    takeProfit: null,
    strategyVersion: 'v1',
    openedAt: T,
    closedAt: null,
    exitReason: null,
  });
  db.close();
  return path;
}

describe('brain audit', () => {
  it('passes on a consistent paper database with no daemon running, skipping the booked ledger, and stores the report', async () => {
    const io = fakeIo();
    paperAccount(io);
    expect(await main(['audit'], io)).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^audit #1 .* \(paper, cli\): PASSED\n {2}SKIP ledger\.fillsVsBooked: no running daemon here/);
    const last = fakeIo();
    expect(await main(['audit', '--last', '--set', `data.dbPath=${join(io.cwd, 'data', 'brain.db')}`], last)).toBe(EXIT.ok);
    expect(last.out()).toContain('audit #1 ');
  });

  it('exits 1 and lists the failed checks first when a fill is missing', async () => {
    const io = fakeIo();
    const path = paperAccount(io);
    const db = openDatabase({ path });
    db.exec("DELETE FROM fills WHERE trade_id = 't1'");
    db.close();
    expect(await main(['audit'], io)).toBe(EXIT.failure);
    const lines = io.out().split('\n');
    expect(lines[0]).toMatch(/: FAILED$/);
    expect(lines[1]).toMatch(/^ {2}FAIL pnl\.fillsVsPositions: .*BTC\/USD: the fills leave 0 held but the open positions hold 0\.1/);
  });
});

describe('brain backup and brain restore', () => {
  it('backs up, lists, and restores a backup while no daemon runs', async () => {
    const io = fakeIo();
    paperAccount(io);
    expect(await main(['backup'], io)).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^backed up data\/brain\.db to .*data\/backups\/brain-\d{8}T\d{9}Z\.db \(\d+\.\d MB\)\n$/);
    const file = join(io.cwd, 'data', 'backups', readdirSync(join(io.cwd, 'data', 'backups'))[0]!);
    const list = fakeIo();
    expect(await main(['backup', '--list', '--set', `backup.dir=${join(io.cwd, 'data', 'backups')}`], list)).toBe(EXIT.ok);
    expect(list.out()).toBe(`${file}\n`);
    const restore = await main(['restore', file], io);
    expect(io.err()).toBe('');
    expect(restore).toBe(EXIT.ok);
    expect(io.out()).toMatch(/restored .* to data\/brain\.db; the replaced database is .*brain\.db\.replaced-\d{8}T\d{9}Z\n$/);
  });

  it('restore is refused while the daemon holds the lock, and needs a file', async () => {
    const io = fakeIo();
    paperAccount(io);
    expect(await main(['backup'], io)).toBe(EXIT.ok);
    const file = join(io.cwd, 'data', 'backups', readdirSync(join(io.cwd, 'data', 'backups'))[0]!);
    const daemon = acquirePidLock({ path: databaseLockPath(join(io.cwd, 'data', 'brain.db')), pid: process.ppid });
    try {
      expect(await main(['restore', file], io)).toBe(EXIT.failure);
      expect(io.err()).toMatch(
        /^brain restore: \[backup\.daemon_running\] restore refused: another brain is running \(pid \d+, lock file .*brain\.db\.lock\).*nothing was changed\n$/,
      );
      expect(readdirSync(join(io.cwd, 'data')).some((n) => n.includes('replaced'))).toBe(false);
    } finally {
      daemon.release();
    }
    expect(await main(['restore'], fakeIo())).toBe(EXIT.usage);
    expect(existsSync(file)).toBe(true);
  });
});
