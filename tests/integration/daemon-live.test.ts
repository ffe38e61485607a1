/**
 * The daemon in LIVE mode end to end, offline: real Kraken orders through src/kraken to the loopback
 * simulator (SIM_TEST_ACCOUNT's keys), v001 over three days of the bundled 5m candles, audited against
 * the simulator's own books: its orders, its trades for the account and its USD balance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/db/index.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { createLogger } from '../../src/log/index.ts';
import type { Ledger } from '../../src/trading/portfolio.ts';
import { fillId } from '../../src/trading/fill-id.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALL: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
/** The last decimal of a fee as Kraken's REST and WS report it. */
const FEE_UNIT = 1e-5;

let replay: Replay;
let repos: Repositories | undefined;
let ledger: Ledger;
let workDir: string;
/** For each order the simulator accepted: was our intent row on disk at that moment, and with which status. */
const atArrival = new Map<string, { rowStatus: string | null }>();

/** Every daemon line at info and above, parsed. */
const lines: Array<Record<string, unknown>> = [];

/** The simulator logs each accepted order ('order event', execType new) while handling the AddOrder call. */
function watchArrivals(line: string): void {
  const rec = JSON.parse(line) as Record<string, unknown>;
  if (rec['component'] !== 'sim') lines.push(rec);
  if (rec['msg'] !== 'order event' || rec['execType'] !== 'new' || typeof rec['clOrdId'] !== 'string') return;
  atArrival.set(rec['clOrdId'], { rowStatus: repos?.orders.byClOrdId(rec['clOrdId'])?.status ?? null });
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-daemon-live-'));
  const log = createLogger({ level: 'info', pretty: false, destination: { write: watchArrivals }, secrets: [] });
  replay = await startReplay({
    workDir,
    repoRoot: REPO_ROOT,
    log,
    mode: 'live',
    pairs: ['BTC/USD', 'ETH/USD', 'SOL/USD'],
    days: 3,
    settings: { risk: { resume: 'auto', autoResumeAfterMinutes: 360 } },
  });
  repos = replay.daemon.runtime.repos!;
  await replay.run();
  ledger = replay.daemon.actor.getSnapshot().context.ledger;
}, 120_000);

afterAll(async () => {
  await replay?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the daemon in live mode against the simulator (v001, 3 days of real 5m candles)', () => {
  it('places real orders at the venue under our cl_ord_ids and closes trades', () => {
    const atVenue = replay.sim.engine.orders();
    expect(atVenue.length).toBeGreaterThanOrEqual(6);
    for (const o of atVenue) expect(repos!.orders.byClOrdId(o.req.clOrdId!), `our row for ${o.req.clOrdId}`).toBeDefined();
    expect(repos!.positions.closedInRange(...ALL).length).toBeGreaterThanOrEqual(3);
    expect(replay.daemon.actor.getSnapshot().context.slots.filter((s) => s.phase !== 'open')).toEqual([]);
  });

  it('inv. 4: every order reached the venue only after its intent row was on disk', () => {
    const atVenue = replay.sim.engine.orders();
    expect(atArrival.size).toBe(atVenue.length);
    for (const o of atVenue) {
      expect(atArrival.get(o.req.clOrdId!)?.rowStatus, `row of ${o.req.clOrdId} when the venue took it`).toBe('sent');
      expect(repos!.orders.byClOrdId(o.req.clOrdId!)!.createdAt).toBeLessThanOrEqual(o.opentm);
    }
  });

  it('inv. 4: no cl_ord_id reached the venue twice', () => {
    const ids = replay.sim.engine.orders().map((o) => o.req.clOrdId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the fills in the database are exactly the venue's trades for the account", () => {
    const venueTrades = replay.sim.engine.trades();
    const ours = new Map(repos!.fills.inRange(...ALL).map((f) => [f.tradeId, f]));
    expect(ours.size).toBe(venueTrades.length);
    for (const t of venueTrades) {
      const f = ours.get(fillId(replay.daemon.runtime.table!.find(t.pairKey)!.symbol, t.tradeId));
      expect(f, `fill for trade ${t.tradeId}`).toBeDefined();
      expect(f!.quantity).toBeCloseTo(t.vol, 9);
      expect(f!.price).toBeCloseTo(t.price, 9);
      // Kraken reports a fee to 5 decimals; the simulator books it unrounded.
      expect(Math.abs(f!.fee - t.fee)).toBeLessThanOrEqual(FEE_UNIT / 2);
      expect(f!.side).toBe(t.side);
    }
  });

  it('issue 12: trading is in the log at info, each line bound to its pair, position and order', () => {
    const info = (msg: string) => lines.filter((l) => l['msg'] === msg && (l['level'] as number) >= 30);
    const closed = repos!.positions.closedInRange(...ALL);
    for (const p of closed)
      expect(
        info('position closed').find((l) => l['positionId'] === p.id),
        `closed ${p.id}`,
      ).toMatchObject({ pair: p.pair, pnl: expect.any(Number) });
    for (const p of closed)
      expect(
        info('position opened').some((l) => l['positionId'] === p.id),
        `opened ${p.id}`,
      ).toBe(true);
    for (const f of repos!.fills.inRange(...ALL))
      expect(
        info('order filled').some((l) => l['tradeId'] === f.tradeId && l['clOrdId'] === f.clOrdId),
        `fill ${f.tradeId}`,
      ).toBe(true);
    for (const o of replay.sim.engine.orders()) {
      expect(
        info('order sent').some((l) => l['clOrdId'] === o.req.clOrdId),
        `sent ${o.req.clOrdId}`,
      ).toBe(true);
      // Kraken's answer: the AddOrder reply, or its fill on the executions feed when that came first (the
      // position settled and stopped waiting for the reply).
      const answered = info('order accepted').some((l) => l['clOrdId'] === o.req.clOrdId) || info('order filled').some((l) => l['clOrdId'] === o.req.clOrdId);
      expect(answered, `accepted ${o.req.clOrdId}`).toBe(true);
    }
    const intents = repos!.signals.signalsInRange(...ALL, {});
    expect(info('intent accepted').length + info('intent rejected').length).toBe(intents.length);
    expect(info('venue balances agree with the ledger').length).toBeGreaterThan(0);
  });

  it("the ledger's cash equals the venue's USD balance", () => {
    const usd = replay.sim.engine.balances()['ZUSD']!;
    expect(usd.hold).toBe(0);
    // Equal up to the fees' wire rounding: at most half a unit of the 5th decimal per fill.
    const fills = repos!.fills.inRange(...ALL).length;
    expect(Math.abs(ledger.cash - usd.balance)).toBeLessThanOrEqual((fills * FEE_UNIT) / 2);
  });
});
