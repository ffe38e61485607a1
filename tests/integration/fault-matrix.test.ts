/**
 * Issue 18: the process-level fault matrix. The real `brain run`, live, against the Kraken simulator in
 * this process (which outlives every kill): at each point of an order's life the daemon is killed
 * (SIGKILL: no last write; SIGTERM: the graceful stop) and restarted; network, clock and database faults
 * hit it while it trades, alone and in pairs. After each, the venue's own record is the judge: every venue
 * order has its row, no cl_ord_id reached the venue twice, every venue trade is booked once, cash and
 * coins agree, nothing is left in flight, and the breaker is where it was. The table is printed at the end.
 * BRAIN_FAULT_MATRIX=full adds SIGTERM at every point and more pairs (the soak bench runs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { table, type Row } from './matrix/driver.ts';
import { smallDisk } from './matrix/disk.ts';
import { clockJump, diskFull, during, KILL_POINTS, killAt, killDuringReconnect, NETWORK_FAULTS } from './matrix/scenarios.ts';
import { flipTemplate, World } from './matrix/world.ts';

const FULL = process.env['BRAIN_FAULT_MATRIX'] === 'full';
/** Graceful stops at these points by default; at every point in the full matrix. */
const SIGTERM_POINTS = new Set(['accepted, reply lost', 'exit sent, reply lost']);

let dir: string;
let world: World;
const rows: Row[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brain-matrix-template-'));
  world = await World.open({ template: await flipTemplate(dir) });
  await world.start();
}, 120_000);

afterAll(async () => {
  if (rows.length > 0) console.log(`\nfault matrix (${FULL ? 'full' : 'default'}): fault × outcome, lost, duplicated\n${table(rows)}`);
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(row: Row): void {
  rows.push(row);
  expect(row, row.notes).toMatchObject({ lost: 0, duplicated: 0 });
  expect(row.outcome, row.notes).not.toBe('FAILED');
}

describe('fault matrix: brain run (live) against the simulator', () => {
  for (const point of KILL_POINTS) {
    it(`SIGKILL at: ${point.name}`, async () => record(await killAt(world, point, 'SIGKILL')), 90_000);
  }
  for (const point of KILL_POINTS.filter((p) => FULL || SIGTERM_POINTS.has(p.name))) {
    it(`SIGTERM at: ${point.name}`, async () => {
      const row = await killAt(world, point, 'SIGTERM');
      expect(row.notes).toContain("dead man's switch left armed");
      record(row);
    }, 90_000);
  }
  for (const fault of NETWORK_FAULTS.filter((f) => FULL || !f.full)) {
    it(fault.name, async () => record(await during(world, fault)), 60_000);
  }
  it('venue clock jumps 1 h ahead: the buys decided on the back-filled hour are refused, the newest candle trades', async () => {
    const row = await clockJump(world);
    expect(row.notes).toMatch(/^[1-9]\d* catch-up buys refused \(stale_candle\)/);
    record(row);
  }, 60_000);
  it('SIGKILL during a reconnect, reply held', async () => record(await killDuringReconnect(world)), 90_000);
});

describe('fault matrix: the disk fills', () => {
  const disk = smallDisk(join(tmpdir(), `brain-matrix-disk-${process.pid}`), 16);
  let full: World | null = null;
  afterAll(async () => {
    await full?.close();
    if (typeof disk !== 'string') disk.unmount();
  });
  it.skipIf(typeof disk === 'string')(
    `disk full while writing (a 16 MB tmpfs)${typeof disk === 'string' ? `: skipped, ${disk}` : ''}`,
    async () => {
      if (typeof disk === 'string') return;
      full = await World.open({ template: join(dir, 'flip.db'), dataDir: disk.dir });
      await full.start();
      record(await diskFull(full, disk));
    },
    120_000,
  );
});
