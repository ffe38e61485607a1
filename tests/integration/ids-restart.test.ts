/**
 * Issue 12: a restart whose clock starts at the same moment again (`brain run --sim` replays from the first
 * candle, or the clock steps back) must not reuse position or order ids; before, the second run's first
 * position took the first run's id and its order rewrote the old rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import type { Db } from '../../src/db/index.ts';
import { bootSystem, Exchange, openDb, settle, T0, type System } from './daemon-crash.harness.ts';

let dir: string;
let db: Db;
const systems: System[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'brain-ids-'));
  db = openDb(join(dir, 'brain.db'));
});

afterEach(() => {
  for (const s of systems.splice(0)) s.kill();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh run at T0 (its own clock and exchange, as a new simulator would be) opens one position on the shared database. */
async function runFromStart(pair: 'BTC/USD' | 'ETH/USD'): Promise<{ s: System; positionId: string }> {
  const clock = new SimulatedClock();
  clock.set(T0);
  const ex = new Exchange(clock);
  const s = await bootSystem(db, ex);
  systems.push(s);
  await s.signal(pair, 'buy', 100);
  await settle();
  ex.price(pair, 100);
  await waitFor(s.actor, (x) => x.context.slots.some((p) => p.pair === pair && p.phase === 'open'));
  return { s, positionId: s.actor.getSnapshot().context.slots.find((p) => p.pair === pair)!.positionId };
}

it('two runs starting at the same clock time get different position and order ids, and the first rows stay as they were', async () => {
  const first = await runFromStart('BTC/USD');
  const firstOrder = first.s.repos.orders.byPosition(first.positionId)[0]!;
  first.s.kill();
  const second = await runFromStart('ETH/USD');
  expect(second.positionId).not.toBe(first.positionId);
  const repos = second.s.repos;
  expect(repos.orders.byClOrdId(firstOrder.clOrdId)).toEqual(firstOrder);
  expect(
    repos.positions
      .open()
      .map((p) => p.id)
      .sort(),
  ).toEqual([first.positionId, second.positionId].sort());
});
