/**
 * Issue 17.1, done-when: the daemon in LIVE mode, trading a churning test strategy, loses the network for
 * 30 simulated minutes (the simulator goes dark: sockets dropped, new ones and every REST call refused)
 * and gets it back. Its connection children give up and are restarted by the supervisor until they are
 * back; /readyz answers 503 while it is down and 200 again after; the candles missed while dark are
 * back-filled by REST (the simulator's snapshot carries only the forming candle, as Kraken v1 does) and
 * scanned in order, each once; trading goes on and no order is lost: the books equal the venue's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor, type AnyActorRef } from 'xstate';
import type { SupervisorEmitted } from '../../machines/supervisor.machine.ts';
import type { Candle, Pair } from '../../src/contract/index.ts';
import type { Db } from '../../src/db/index.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { startHealth, type Health } from '../../src/health/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { fillId } from '../../src/trading/fill-id.ts';
import { churnTemplate, copyTemplate } from './fixtures/churn-db.ts';

const STEP = 300_000;
const PAIRS: Pair[] = ['BTC/USD', 'ETH/USD'];
const ALL: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
const FEE_UNIT = 1e-5;
const FINAL = new Set(['filled', 'canceled', 'expired', 'rejected']);

let root: string;
let template: Db;
let replay: Replay;
let health: Health;
const emitted: SupervisorEmitted[] = [];
/** Closed candles each scanner was given, in the order it got them. */
const scanned = new Map<string, number[]>();
/** What the supervisor heard back from its candle back-fills. */
const backfilled: Array<{ pair: Pair; from: number; to: number; times: number[] }> = [];
const readiness: Array<{ phase: string; code: number; failing: string[] }> = [];
let darkFrom = 0;
let backAt = 0;

const readyz = async () => {
  const res = await fetch(`http://127.0.0.1:${health.port}/readyz`);
  return { code: res.status, failing: ((await res.json()) as { failing: string[] }).failing };
};
const line = (endpoint: 'public' | 'private') => replay.daemon.actor.getSnapshot().children[`connection.${endpoint}`] as AnyActorRef;
const lineState = (endpoint: 'public' | 'private') => (line(endpoint).getSnapshot() as { value: unknown }).value;
const alerts = () => emitted.filter((e) => e.type === 'supervisor.alert').map((e) => (e as { message: string }).message);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'brain-outage-'));
  template = await churnTemplate(root);
  copyTemplate(template, root);
  const log = createLogger({ level: 'silent' });
  replay = await startReplay({
    workDir: root,
    repoRoot: PROJECT_ROOT,
    log,
    mode: 'live',
    pairs: PAIRS,
    days: 0.5,
    warmupDays: 0.5,
    seed: 5,
    settings: {
      risk: {
        resume: 'auto',
        autoResumeAfterMinutes: 60,
        maxConsecutiveLosses: 100,
        dailyLossFraction: 1,
        maxDrawdownFraction: 1,
        reducingDrawdownFraction: 0.99,
      },
    },
    sim: { ohlcSnapshotCandles: 0 },
    feed: { connection: { maxAttempts: 2 }, restart: { baseMs: 60_000, maxMs: 240_000 } },
    onEvent: (e) => emitted.push(e),
  });
  replay.daemon.actor.system.inspect((i) => {
    if (i.type !== '@xstate.event') return;
    const e = i.event as { type: string; pair?: Pair; candle?: Candle; candles?: Candle[]; from?: number; to?: number };
    const id = (i.actorRef as { id?: string }).id ?? '';
    if (id.startsWith('scanner-') && e.type === 'market.candle') scanned.set(id, [...(scanned.get(id) ?? []), e.candle!.time]);
    if (e.type === 'market.candles.backfilled') backfilled.push({ pair: e.pair!, from: e.from!, to: e.to!, times: e.candles!.map((c) => c.time) });
  });
  health = await startHealth({ daemon: replay.daemon, config: replay.config, clock: replay.sim.clock, log, env: {}, port: 0 });

  // Two hours of trading.
  for (let i = 0; i < 24; i++) await replay.step();
  await vi.waitFor(async () => expect((await readyz()).code).toBe(200), { timeout: 10_000 });
  readiness.push({ phase: 'before', ...(await readyz()) });

  // Dark for 30 simulated minutes, a minute at a time: a public reconnect attempt fails on its socket, and a
  // private one on its token call, whose retries wait on the daemon's clock, before time moves on.
  darkFrom = replay.sim.clock.now();
  replay.sim.faults.goDark();
  await waitFor(replay.daemon.actor, (s) => s.context.feed?.lines.public?.up === false && s.context.feed.lines.private?.up === false);
  readiness.push({ phase: 'dark', ...(await readyz()) });
  for (let minute = 0; minute < 30; minute++) {
    await replay.sim.advance(60_000);
    await replay.quiet();
    await waitFor(line('public'), (s) => !(s as { matches(v: unknown): boolean }).matches({ session: 'connecting' }));
  }
  readiness.push({ phase: 'still dark', ...(await readyz()) });

  replay.sim.faults.comeBack();
  backAt = replay.sim.clock.now();
  const bothUp = () => replay.daemon.actor.getSnapshot().context.feed?.lines.public?.up && replay.daemon.actor.getSnapshot().context.feed?.lines.private?.up;
  // A line that never comes back fails the checks below instead of stepping to the end of the data here.
  for (let i = 0; i < 3 && !bothUp(); i++) await replay.step();
  await vi.waitFor(async () => expect((await readyz()).code).toBe(200), { timeout: 10_000 }).catch(() => undefined);
  readiness.push({ phase: 'back', ...(await readyz()) });

  await replay.run();
  // The end: nothing working, and one more balance check after the last trade.
  await waitFor(replay.daemon.actor, (s) => s.context.slots.every((slot) => slot.phase === 'open'), { timeout: 30_000 });
  const checks = emitted.filter((e) => e.type === 'balances.reconciled').length;
  replay.daemon.actor.getSnapshot().children['venueWatch']!.send({ type: 'venue.checkBalances' });
  for (let i = 0; i < 60 && emitted.filter((e) => e.type === 'balances.reconciled').length <= checks; i++) {
    await replay.sim.advance(60_000);
    await replay.quiet();
  }
}, 240_000);

afterAll(async () => {
  await health?.close();
  await replay?.close();
  template?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a 30-minute network outage in live mode', () => {
  it('/readyz is 200 before, 503 naming the feeds while dark, and 200 again once the lines are back', () => {
    expect(readiness.map((r) => [r.phase, r.code])).toEqual([
      ['before', 200],
      ['dark', 503],
      ['still dark', 503],
      ['back', 200],
    ]);
    for (const r of readiness.filter((x) => x.code === 503)) expect(r.failing).toEqual(expect.arrayContaining(['feed', 'privateFeed']));
  });

  it('each line gave up, was restarted by the supervisor until it was back, and was alerted once down and once back', () => {
    for (const name of ['public market feed', 'private executions feed']) {
      expect(
        alerts().filter((m) => m.startsWith(`${name} down:`)),
        name,
      ).toHaveLength(1);
      expect(
        alerts().filter((m) => m.startsWith(`${name} back after `)),
        name,
      ).toHaveLength(1);
    }
    expect(lineState('public')).toEqual({ session: { online: 'live' } });
    expect(lineState('private')).toEqual({ session: { online: 'live' } });
  });

  it('the candles missed while dark were back-filled by REST, exactly those, once per pair', () => {
    expect(backfilled.map((b) => b.pair).sort()).toEqual([...PAIRS].sort());
    for (const b of backfilled) {
      expect(b.from).toBeLessThanOrEqual(darkFrom);
      expect(b.to).toBeGreaterThan(backAt - STEP);
      const grid = Array.from({ length: (b.to - b.from) / STEP }, (_, k) => b.from + k * STEP);
      expect(b.times, b.pair).toEqual(grid);
    }
  });

  it('every scanner saw every candle of the run once, in order, with no hole across the outage', () => {
    for (const pair of PAIRS) {
      const times = scanned.get(`scanner-${pair}`) ?? [];
      expect(times.length, pair).toBeGreaterThan(100);
      const steps = times.slice(1).map((t, i) => t - times[i]!);
      expect(new Set(steps), pair).toEqual(new Set([STEP]));
      expect(times[0]!).toBeLessThan(darkFrom);
      expect(times.at(-1)!).toBeGreaterThan(backAt);
    }
  });

  it('trading went on after the outage, and no order was lost: every venue order is ours and settled, every venue trade booked once, cash equal', () => {
    const repos = replay.daemon.runtime.repos!;
    const atVenue = replay.sim.engine.orders();
    expect(atVenue.filter((o) => o.opentm > backAt).length).toBeGreaterThan(0);
    for (const o of atVenue) expect(FINAL.has(repos.orders.byClOrdId(o.req.clOrdId!)?.status ?? 'missing'), `row of ${o.req.clOrdId}`).toBe(true);
    const fills = new Map(repos.fills.inRange(...ALL).map((f) => [f.tradeId, f]));
    const trades = replay.sim.engine.trades();
    expect(fills.size).toBe(trades.length);
    for (const t of trades) expect(fills.get(fillId(replay.daemon.runtime.table!.find(t.pairKey)!.symbol, t.tradeId)), `trade ${t.txid}`).toBeDefined();
    const usd = replay.sim.engine.balances()['ZUSD']!.balance;
    expect(Math.abs(replay.daemon.actor.getSnapshot().context.ledger.cash - usd)).toBeLessThanOrEqual((fills.size * FEE_UNIT) / 2);
  });
});
