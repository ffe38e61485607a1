/**
 * A database written before fills were keyed by pair: its fills carry Kraken's bare trade number and its
 * persisted positions remember them so. After the migration (and the snapshot upgrade at boot) it boots,
 * rebuilds the same ledger, books nothing twice when the venue reports the same fills again, and finds
 * the fill the old key had lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { POSITION_MACHINE_VERSION, type PositionRecord } from '../../machines/position.machine.ts';
import type { Fill, Pair } from '../../src/contract/index.ts';
import { createRepositories, loadMigrations, openDatabase, type Db, type Repositories } from '../../src/db/index.ts';
import { fillsRepo } from '../../src/db/fills.repo.ts';
import { ordersRepo } from '../../src/db/orders.repo.ts';
import { snapshotsRepo } from '../../src/db/snapshots.repo.ts';
import { durableRecords, ledgerFromFills, reconcileAtBoot } from '../../actors/supervisor/reconcile.ts';
import { LiveVenue } from '../../src/venues/live.ts';
import { bootState, startSupervisor } from '../machines/supervisor.fixtures.ts';
import { startHarness, type Harness } from './kraken-harness.ts';

const silent = pino({ level: 'silent' });
const ALL: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
let h: Harness | undefined;
const dbs: Db[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await h?.close();
  h = undefined;
});

/** The migrations a database had before fills were keyed by pair (found by name: numbers change at merge). */
function migrationsBeforeFillIdentity() {
  const all = loadMigrations();
  const mine = all.find((m) => m.name === 'fill_identity');
  if (!mine) throw new Error('no fill_identity migration in src/db/migrations');
  return all.filter((m) => m.version < mine.version);
}

function open(path: string): Repositories {
  const db = openDatabase({ path });
  dbs.push(db);
  return createRepositories(db);
}

/**
 * The old database as the old daemon wrote it: only its orders, fills and snapshots, since the repositories of today
 * prepare statements on columns later migrations add.
 */
function openOld(path: string): Pick<Repositories, 'orders' | 'fills' | 'snapshots'> {
  const db = openDatabase({ path, migrations: migrationsBeforeFillIdentity() });
  dbs.push(db);
  return { orders: ordersRepo(db), fills: fillsRepo(db), snapshots: snapshotsRepo(db) };
}

describe('an existing database with fills keyed by the bare trade number', () => {
  it('boots after the migration, rebuilds the same ledger, books no fill twice and recovers the one the old key lost', async () => {
    h = await startHarness();
    const dir = mkdtempSync(join(tmpdir(), 'brain-fill-ids-'));
    dirs.push(dir);
    const path = join(dir, 'brain.db');
    const old = openOld(path);
    const venue = new LiveVenue({ client: h.client, orders: h.orders });
    // Two buys the venue numbers alike (trade 1 of BTC/USD, trade 1 of ETH/USD), written as the old daemon did:
    // the BTC fill under its bare number, the ETH fill dropped as its "repeat".
    const bought: Record<string, Fill> = {};
    for (const [clOrdId, pair] of [
      ['Pa-1', 'BTC/USD'],
      ['Pb-1', 'ETH/USD'],
    ] as Array<[string, Pair]>) {
      old.orders.insertIntent({
        clOrdId,
        pair,
        side: 'buy',
        type: 'market',
        quantity: 0.01,
        limitPrice: null,
        positionId: clOrdId.slice(0, 2),
        reason: 't',
        createdAt: h.sim.clock.now(),
      });
      await h.drive(h.orders.place({ clOrdId, pair, side: 'buy', type: 'market', volume: 0.01 }));
      const seen = (await h.drive(venue.queryOrder(clOrdId)))!;
      bought[clOrdId] = seen.fills[0]!;
      // The BTC row is left unsettled (a crash before its position settled), so boot asks the venue for it again.
      old.orders.updateStatus(clOrdId, { status: clOrdId === 'Pa-1' ? 'unknown' : 'filled', filledQuantity: 0.01, updatedAt: h.sim.clock.now() });
    }
    const btc = bought['Pa-1']!;
    expect(btc.tradeId).toBe('BTC/USD:1');
    expect(bought['Pb-1']!.tradeId).toBe('ETH/USD:1');
    old.fills.insert({ ...btc, tradeId: '1' });
    const ledgerBefore = ledgerFromFills(old, 10_000);
    dbs.pop()!.close();

    const repos = open(path);
    expect(repos.fills.inRange(...ALL).map((f) => f.tradeId)).toEqual(['BTC/USD:1']);
    expect(ledgerFromFills(repos, 10_000)).toEqual(ledgerBefore);

    const boot = await h.drive(
      reconcileAtBoot({
        pairs: ['BTC/USD', 'ETH/USD'],
        table: h.client.pairs,
        repos,
        venue,
        paper: null,
        cash: { kind: 'initial', usd: 10_000 },
        fallbackFees: { maker: 0.0025, taker: 0.004 },
        slippage: 0.0005,
        strategyVersion: 'v001',
        now: h.sim.clock.now(),
        log: silent,
      }),
    );
    // BTC was asked again and not booked again; the ETH fill the old key lost is booked now.
    expect(
      repos.fills
        .inRange(...ALL)
        .map((f) => f.tradeId)
        .sort(),
    ).toEqual(['BTC/USD:1', 'ETH/USD:1']);
    expect(boot.bookedTradeIds.sort()).toEqual(['BTC/USD:1', 'ETH/USD:1']);
    expect(boot.ledger.holdings['BTC/USD']).toEqual(ledgerBefore.holdings['BTC/USD']);
    expect(boot.ledger.holdings['ETH/USD']?.quantity).toBeCloseTo(0.01, 9);

    // Heard again on the feed or found again by REST while running: the supervisor does not book it.
    const s = startSupervisor({ boot: bootState({ ledger: boot.ledger, bookedTradeIds: boot.bookedTradeIds }) });
    await s.running();
    s.port.venue!({ type: 'venue.fill', fill: btc, order: { clOrdId: 'Pa-1', venueOrderId: null, status: 'filled', filledQuantity: 0.01, fills: [btc] } });
    expect(s.journal.filter((c) => c.type === 'journal.fill')).toEqual([]);
    expect(s.actor.getSnapshot().context.ledger.holdings['BTC/USD']?.quantity).toBeCloseTo(0.01, 9);
  });

  it('a persisted position that remembers its fills by the bare number does not count a fill found again', async () => {
    // A position opened by a supervisor whose fills are numbered T1, T2 … (bare, as the venue's number was stored).
    const s = startSupervisor();
    await s.running();
    const buy = await s.openPosition('BTC/USD', 100);
    const child = s.actor.getSnapshot().children[buy.positionId]!;
    const record = { value: 'open', context: (child.getSnapshot() as unknown as { context: PositionRecord['context'] }).context } as PositionRecord;
    const bare = record.context.fills[0]!;
    expect(bare.tradeId).not.toContain(':');

    const repos = open(':memory:');
    repos.machineSnapshots.save({ actorId: buy.positionId, machine: 'position', machineVersion: POSITION_MACHINE_VERSION, snapshot: record, updatedAt: 1 });
    const [upgraded] = durableRecords(repos, silent).positions;
    expect(upgraded!.context.fills.map((f) => f.tradeId)).toEqual([`BTC/USD:${bare.tradeId}`]);

    // The venue reports the same fill under today's key: the restored position already holds it.
    const again = startSupervisor({ boot: bootState({ positions: [upgraded!], bookedTradeIds: [`BTC/USD:${bare.tradeId}`] }) });
    await again.running();
    const restored = again.actor.getSnapshot().children[buy.positionId]!;
    await waitFor(restored, (x) => (x as unknown as { value: unknown }).value === 'open');
    restored.send({ type: 'order.fill', fill: { ...bare, tradeId: `BTC/USD:${bare.tradeId}` } });
    const ctx = (restored.getSnapshot() as unknown as { context: PositionRecord['context'] }).context;
    expect(ctx.fills).toHaveLength(1);
    expect(ctx.holding?.quantity).toBe(bare.quantity);
  });
});
