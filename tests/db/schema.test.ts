import { describe, expect, it } from 'vitest';
import { createRepositories, type Db } from '../../src/db/index.ts';
import { fill, orderIntent, position, T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

function insertVersion(db: Db, id: string, parentId: string | null = null): void {
  db.prepare(
    `INSERT INTO strategy_versions (id, kind, name, label, source, source_sha256, bundle, bundle_sha256, parent_id,
       author_kind, author_model, prompt_sha256, created_at, gate_results, backtest_id, status)
     VALUES (?, 'strategy', 'trend', 'v001', 'export {}', 'aa', 'bundle', 'bb', ?, 'human', NULL, NULL, ?, '{}', NULL, 'candidate')`,
  ).run([id, parentId, T0]);
}

describe('schema', () => {
  it('inv. 6: a stored version cannot be edited or deleted, only its status and gate results move', () => {
    const db = memoryDb();
    insertVersion(db, 'sha256:v1');
    expect(() => db.prepare("UPDATE strategy_versions SET source = 'evil' WHERE id = 'sha256:v1'").run()).toThrow(/immutable/);
    expect(() => db.prepare("DELETE FROM strategy_versions WHERE id = 'sha256:v1'").run()).toThrow(/never deleted/);
    db.prepare(`UPDATE strategy_versions SET status = 'active', gate_results = '{"ok":true}', backtest_id = 7`).run();
    expect(db.prepare('SELECT status, backtest_id FROM strategy_versions').get()).toEqual({ status: 'active', backtest_id: 7 });
  });

  it('inv. 6: the active pointer can only name a stored version', () => {
    const db = memoryDb();
    insertVersion(db, 'sha256:v1');
    const point = db.prepare("INSERT OR REPLACE INTO active_versions (slot, version_id, previous_version_id, switched_at) VALUES ('strategy', ?, ?, ?)");
    point.run(['sha256:v1', null, T0]);
    expect(() => point.run(['sha256:missing', 'sha256:v1', T0 + 1])).toThrow(/FOREIGN KEY/);
    expect(() => insertVersion(db, 'sha256:v2', 'sha256:missing')).toThrow(/FOREIGN KEY/);
  });

  it('indexes the lookups the daemon makes on every tick', () => {
    const db = memoryDb();
    const plan = (sql: string) => JSON.stringify(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all());
    expect(plan("SELECT * FROM orders WHERE status = 'open'")).toMatch(/orders_status/);
    expect(plan("SELECT * FROM fills WHERE cl_ord_id = 'x'")).toMatch(/fills_cl_ord_id/);
    expect(plan('SELECT * FROM signals WHERE created_at >= 1')).toMatch(/signals_created_at/);
    expect(plan("SELECT * FROM candles WHERE pair = 'BTC/USD' AND timeframe = '5m' AND time >= 1")).toMatch(/PRIMARY KEY/);
  });

  it('never leaks libsql _metadata into objects the repositories return', () => {
    const repos = createRepositories(memoryDb());
    repos.orders.insertIntent(orderIntent());
    repos.fills.insert(fill());
    repos.positions.save(position());
    repos.candles.upsertMany('BTC/USD', '5m', [{ time: T0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 }]);
    repos.risk.save({ state: 'active', reason: null, since: T0, consecutiveLosses: 0, dayStart: T0, dayStartEquity: 1, peakEquity: 1, updatedAt: T0 });
    const returned = [
      repos.orders.byClOrdId('c-0001'),
      repos.orders.updateStatus('c-0001', { status: 'sent', updatedAt: T0 + 1 }),
      repos.fills.byClOrdId('c-0001'),
      repos.positions.byId('p-1'),
      repos.candles.range('BTC/USD', '5m', 0, T0 + 1),
      repos.candles.latestTime('BTC/USD', '5m'),
      repos.risk.get(),
      repos.snapshots.peakEquity(),
      repos.orchestrator.tokenTotals(0, 1),
    ];
    expect(JSON.stringify(returned)).not.toContain('_metadata');
  });
});
