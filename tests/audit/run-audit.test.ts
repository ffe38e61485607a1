import { describe, expect, it } from 'vitest';
import { runAudit, type AuditDeps } from '../../src/audit/audit.ts';
import type { VenueState } from '../../src/audit/checks.ts';
import { auditReportsRepo } from '../../src/db/audit-reports.repo.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';

const T = Date.UTC(2026, 0, 5);
const FILL = {
  tradeId: 't1',
  clOrdId: 'p1-1',
  pair: 'BTC/USD' as const,
  side: 'buy' as const,
  price: 50_000,
  quantity: 0.1,
  fee: 20,
  liquidity: 'taker' as const,
  time: T,
};

/** A paper account whose buy of 0.1 BTC is still working in the tables while the venue has already filled it. */
function working() {
  const db = openDatabase({ path: ':memory:' });
  const repos = createRepositories(db);
  repos.orders.insertIntent({
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
  repos.orders.updateStatus('p1-1', { status: 'sent', updatedAt: T });
  repos.positions.save({
    id: 'p1',
    pair: 'BTC/USD',
    status: 'pendingEntry',
    quantity: 0,
    entryPrice: 0,
    entryFees: 0,
    exitFees: 0,
    realizedPnl: 0,
    stopLoss: null,
    takeProfit: null,
    strategyVersion: 'v1',
    openedAt: T,
    closedAt: null,
    exitReason: null,
  });
  const filledAtVenue: VenueState = { usd: 10_000 - 5_020, base: { 'BTC/USD': 0.1 }, negative: [], openOrders: [] };
  /** What the daemon does when it hears the fill: the fill row, the order final, the position open. */
  const hearFill = () => {
    repos.fills.insert(FILL);
    repos.orders.updateStatus('p1-1', { status: 'filled', filledQuantity: 0.1, updatedAt: T + 1 });
    repos.positions.save({ ...repos.positions.byId('p1')!, status: 'open', quantity: 0.1, entryPrice: 50_000, entryFees: 20 });
  };
  let reads = 0;
  const deps = (over: Partial<AuditDeps> = {}): AuditDeps => ({
    mode: 'paper',
    trigger: 'schedule',
    pairs: ['BTC/USD'],
    timeframe: '5m',
    repos,
    reports: auditReportsRepo(db),
    venue: { kind: 'paper', read: async () => (reads++, filledAtVenue) },
    booked: null,
    startingCashUsd: 10_000,
    toleranceUsd: 0.01,
    now: () => T + 60_000,
    ...over,
  });
  return { deps, hearFill, reads: () => reads };
}

describe('runAudit', () => {
  it('waits while an order is working and compares once it has settled, instead of failing on a fill in flight', async () => {
    const w = working();
    const report = await runAudit(w.deps({ settle: { attempts: 3, wait: async () => w.hearFill() } }));
    expect(w.reads()).toBe(2);
    expect(report.passed).toBe(true);
    expect(report).toMatchObject({ id: 1, trigger: 'schedule' });
  });

  it('compares anyway after the last attempt, and the difference shows', async () => {
    const w = working();
    const report = await runAudit(w.deps({ settle: { attempts: 2, wait: async () => {} } }));
    expect(w.reads()).toBe(3);
    expect(report.checks.find((c) => c.name === 'balances.venue')!.status).toBe('fail');
  });
});
