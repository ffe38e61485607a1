/**
 * inv. 4 crash consistency: the actor system is dropped at each step of a position's life and a new one
 * boots on the same database and exchange. After reconciliation no order is lost or sent twice, and the
 * positions and the breaker are where they were.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import type { Db } from '../../src/db/index.ts';
import { bootSystem, Exchange, openDb, settle, T0, type CrashPoint, type System } from './daemon-crash.harness.ts';

let dir: string;
let db: Db;
let ex: Exchange;
let clock: SimulatedClock;
const systems: System[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'brain-crash-'));
  db = openDb(join(dir, 'brain.db'));
  clock = new SimulatedClock();
  clock.set(T0);
  ex = new Exchange(clock);
});

afterEach(() => {
  for (const s of systems.splice(0)) s.kill();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function boot(limits = {}): Promise<System> {
  const s = await bootSystem(db, ex, limits);
  systems.push(s);
  return s;
}

const openPositions = (s: System) => s.repos.positions.open().map((p) => ({ id: p.id, status: p.status, quantity: p.quantity }));
const buys = (s: System) =>
  s.repos.orders.byStatus('intent', 'sent', 'open', 'partial', 'filled', 'canceled', 'expired', 'rejected', 'unknown').filter((o) => o.side === 'buy');

/** Opens a BTC position: buy signal, fill at 100. */
async function openOne(s: System): Promise<string> {
  await s.signal('BTC/USD', 'buy', 100);
  await settle();
  ex.price('BTC/USD', 100);
  await waitFor(s.actor, (x) => x.context.slots[0]?.phase === 'open');
  return s.actor.getSnapshot().context.slots[0]!.positionId;
}

/** `s1` is killed at `at` while sending the `side` order for `action`; a new system boots; the positions must match. */
async function crashAndRestart(s1: System, at: CrashPoint, side: 'buy' | 'sell', action: 'buy' | 'close', price: number) {
  ex.crash = { at, side, run: () => s1.kill() };
  await s1.signal('BTC/USD', action, price);
  await settle();
  const before = openPositions(s1);
  const s2 = await boot();
  expect(openPositions(s2)).toEqual(before);
  return { s2, before };
}

describe('inv. 4: a crash at each step of the position lifecycle', () => {
  it('intent row written, order never sent: after restart it is never sent and the entry is abandoned', async () => {
    const { s2, before } = await crashAndRestart(await boot(), 'beforeSend', 'buy', 'buy', 100);
    expect(before).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      clock.increment(5_000);
      await settle();
    }
    await waitFor(s2.actor, (x) => x.context.slots.length === 0);
    expect(ex.sends.size).toBe(0);
    expect(buys(s2).map((o) => o.status)).toEqual(['expired']);
  });

  it('entry sent, ack lost: the order is found by cl_ord_id, never resent, and its fill opens the position', async () => {
    const { s2 } = await crashAndRestart(await boot(), 'afterSend', 'buy', 'buy', 100);
    await settle();
    ex.price('BTC/USD', 101);
    await waitFor(s2.actor, (x) => x.context.slots[0]?.phase === 'open');
    expect([...ex.sends.values()]).toEqual([1]);
    expect(buys(s2)).toHaveLength(1);
    expect(s2.repos.fills.inRange(0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
    expect(s2.actor.getSnapshot().context.ledger.holdings['BTC/USD']?.quantity).toBeGreaterThan(0);
  });

  it('entry filled at the exchange while the system was down: the fill is booked once and the position opens', async () => {
    const s1 = await boot();
    await s1.signal('BTC/USD', 'buy', 100);
    await settle();
    s1.kill();
    ex.price('BTC/USD', 100);
    const s2 = await boot();
    await waitFor(s2.actor, (x) => x.context.slots[0]?.phase === 'open');
    const fills = s2.repos.fills.inRange(0, Number.MAX_SAFE_INTEGER);
    expect(fills).toHaveLength(1);
    expect(s2.actor.getSnapshot().context.ledger.holdings['BTC/USD']?.quantity).toBeCloseTo(fills[0]!.quantity);
    expect([...ex.sends.values()]).toEqual([1]);
  });

  it('exit sent, ack lost: the sell is found, not resent, and closes the position', async () => {
    const s1 = await boot();
    await openOne(s1);
    const { s2, before } = await crashAndRestart(s1, 'afterSend', 'sell', 'close', 105);
    expect(before[0]?.status).toBe('pendingExit');
    await settle();
    ex.price('BTC/USD', 105);
    await waitFor(s2.actor, (x) => x.context.slots.length === 0);
    expect([...ex.sends.values()]).toEqual([1, 1]);
    expect(s2.repos.positions.open()).toHaveLength(0);
    expect(s2.actor.getSnapshot().context.ledger.realizedPnl).toBeGreaterThan(0);
  });

  it('a halted breaker stays halted across the crash and still refuses entries', async () => {
    const s1 = await boot({ maxConsecutiveLosses: 1 });
    await openOne(s1);
    await s1.signal('BTC/USD', 'close', 90);
    await settle();
    ex.price('BTC/USD', 90);
    await waitFor(s1.actor, (x) => x.context.breaker === 'halted');
    s1.kill();
    const s2 = await boot({ maxConsecutiveLosses: 1 });
    expect(s2.actor.getSnapshot().context.breaker).toBe('halted');
    expect(s2.repos.risk.get()?.state).toBe('halted');
    await s2.signal('ETH/USD', 'buy', 50);
    expect(ex.sends.size).toBe(2);
  });
});
