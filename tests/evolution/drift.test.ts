/** The daily live-vs-backtest drift report: live entries matched to the replay's within a candle; the rest are missed or extra. */
import { describe, expect, it } from 'vitest';
import { replayedRun } from '../../src/backtest/replay.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { dailyDrift } from '../../src/evolution/drift.ts';
import type { ShadowMarket } from '../../src/evolution/shadow.ts';
import { windowData } from '../../src/evolution/shadow.ts';
import { candidate, momentum, storedHourlyMarket, T0, waveMarket } from './fixtures.ts';

const DAY = 86_400_000;
const data = waveMarket(['BTC/USD', 'ETH/USD'], 24 * 6);

/** Two pairs of hourly candles in the store, the version that traded, and the day under review. */
function world() {
  const db = openDatabase({ path: ':memory:' });
  const repos = createRepositories(db);
  const market = storedHourlyMarket(data, repos);
  return { db, repos, market, c: candidate('v-live', (p) => momentum(p)), day: T0 + 2 * DAY };
}
type World = ReturnType<typeof world>;

/** What the replay of that day does, to build a live record against. */
function replayOfDay(market: ShadowMarket, c: World['c'], day: number) {
  const w = windowData(market, day, day + DAY);
  return replayedRun(c.runner, w.data, { ...market.engineConfig(w.data.pairs), params: c.params, start: w.start, end: w.data.time.length });
}

const driftOf = ({ db, repos, market, c, day }: World) =>
  dailyDrift(
    {
      db,
      market,
      reports: repos.evolution,
      runnerFor: async () => ({ runner: c.runner, params: c.params, close: async () => undefined }),
      now: () => day + DAY,
    },
    day,
  );

describe('daily drift', () => {
  it('matches the live entries of the day to its backtest replay and reports missed and extra ones with slippage', async () => {
    const { db, repos, market, c, day } = world();
    // What the replay of that day does, to build a live record that agrees on all but one entry.
    const replay = await replayOfDay(market, c, day);
    const entries = replay.fills.filter((f) => f.reason === 'entry');
    expect(entries.length).toBeGreaterThan(1);
    const insert = db.prepare(
      'INSERT INTO positions (id, pair, status, quantity, entry_price, entry_fees, strategy_version, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    entries.slice(1).forEach((f, i) => insert.run([`P${i}`, f.pair, 'open', f.quantity, f.price * 1.001, f.fee, 'v-live', f.time + 20_000]));
    // An entry the replay never made: at an hour where it has none on that pair.
    const free = Array.from({ length: 24 }, (_, h) => day + h * 3_600_000 + 60_000).find(
      (t) => !entries.some((f) => f.pair === 'ETH/USD' && Math.abs(f.time - t) < 3_600_000),
    )!;
    insert.run(['PX', 'ETH/USD', 'open', 1, 200, 0.8, 'v-live', free]);
    const [report] = await driftOf({ db, repos, market, c, day });
    expect(report).toMatchObject({ day, versionId: 'v-live', liveEntries: entries.length, replayEntries: entries.length, matched: entries.length - 1 });
    expect(report!.missed).toEqual([{ pair: entries[0]!.pair, time: entries[0]!.time }]);
    expect(report!.extra).toHaveLength(1);
    expect(report!.entrySlippage).toBeCloseTo(0.001, 6);
    expect(repos.evolution.drift(day)).toHaveLength(1);
  });

  it('compares the exits of matched entries: the same reason within a candle agrees, a different one is named with both sides, and the exit price is measured', async () => {
    const { db, repos, market, c, day } = world();
    const replay = await replayOfDay(market, c, day);
    // Each replay entry with its exit inside the day, or none (end of data is the window closing, not an exit).
    const trips = replay.fills
      .filter((f) => f.reason === 'entry')
      .map((entry) => ({
        entry,
        exit: replay.fills.find((x) => x.pair === entry.pair && x.time >= entry.time && x.reason !== 'entry' && x.reason !== 'end_of_data') ?? null,
      }));
    const closed = trips.filter((t) => t.exit !== null);
    expect(trips.length).toBeGreaterThan(closed.length);
    expect(closed.length).toBeGreaterThan(0);
    const position = db.prepare(
      'INSERT INTO positions (id, pair, status, quantity, entry_price, entry_fees, strategy_version, opened_at, closed_at, exit_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const order = db.prepare(
      "INSERT INTO orders (cl_ord_id, pair, side, type, quantity, status, filled_quantity, position_id, created_at, updated_at) VALUES (?, ?, 'sell', 'market', ?, 'filled', ?, ?, ?, ?)",
    );
    const fill = db.prepare(
      "INSERT INTO fills (trade_id, cl_ord_id, pair, side, price, quantity, fee, liquidity, time) VALUES (?, ?, ?, 'sell', ?, ?, 0, 'taker', ?)",
    );
    trips.forEach(({ entry, exit }, i) => {
      if (!exit) return position.run([`P${i}`, entry.pair, 'open', entry.quantity, entry.price, entry.fee, 'v-live', entry.time + 20_000, null, null]);
      // The first closed one closed live by hand instead of the replay's reason; any other as the replay; all 0.2 % better.
      const reason = exit === closed[0]!.exit ? 'manual' : exit.reason;
      position.run([`P${i}`, entry.pair, 'closed', entry.quantity, entry.price, entry.fee, 'v-live', entry.time + 20_000, exit.time + 20_000, reason]);
      order.run([`X${i}`, entry.pair, entry.quantity, entry.quantity, `P${i}`, exit.time, exit.time]);
      fill.run([`${entry.pair}:${i}`, `X${i}`, entry.pair, exit.price * 1.002, entry.quantity, exit.time + 20_000]);
    });
    const [report] = await driftOf({ db, repos, market, c, day });
    expect(report).toMatchObject({ matched: trips.length, exitsMatched: trips.length - 1 });
    const first = closed[0]!;
    expect(report!.exitMismatches).toEqual([
      {
        pair: first.entry.pair,
        entryTime: first.entry.time + 20_000,
        live: { reason: 'manual', time: first.exit!.time + 20_000 },
        replay: { reason: first.exit!.reason, time: first.exit!.time },
      },
    ]);
    expect(report!.exitSlippage).toBeCloseTo(0.002, 6);
  });
});
