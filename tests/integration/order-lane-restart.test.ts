/**
 * Issue 18, found by the fault matrix: after a restart in live mode the boot sweep (every order in flight
 * asked of Kraken by cl_ord_id, then the balances) spends the private REST budget, and an entry that
 * arrives meanwhile must still go out inside its ack deadline — once, acknowledged, as the venue records
 * it. Starter tier at the simulator (15 points, 0.33 back per second, enforced there) and the default
 * deadlines; the whole thing on the simulator's clock. Before the order lane, the entry's lookup and its
 * AddOrder queued behind the sweep, and the client's counter, back at zero after the restart, drew
 * EAPI:Rate limit exceeded from a venue whose counter had not restarted: the entry was dropped unsent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { positionActors } from '../../actors/position.actors.ts';
import { accountWatch } from '../../actors/supervisor/account-watch.ts';
import { closeStore, openStore, type StoreDeps } from '../../actors/supervisor/store.ts';
import { positionMachine } from '../../machines/position.machine.ts';
import type { SupervisorEvent } from '../../machines/supervisor.machine.ts';
import { ConfigSchema } from '../../src/config/index.ts';
import { orderDeadlines } from '../../src/daemon/daemon.ts';
import type { Runtime } from '../../src/daemon/runtime.ts';
import { KrakenClient } from '../../src/kraken/client.ts';
import { countingFetch } from '../../src/kraken/counting-fetch.ts';
import { OrderApi } from '../../src/kraken/orders.ts';
import { SIM_TEST_ACCOUNT, startKrakenSim, type KrakenSim } from '../../src/sim/index.ts';
import { LiveVenue } from '../../src/venues/live.ts';

const PAIR = 'BTC/USD';
/** Orders the first run sent and never heard back about: the restart's sweep asks each (3 points apiece). */
const IN_FLIGHT = 6;
const STARTER = { ...SIM_TEST_ACCOUNT, tier: 'starter' as const, balances: { ZUSD: '10000' } };
const config = ConfigSchema.parse({ mode: 'live', pairs: [PAIR], secrets: { krakenApiKey: STARTER.key, krakenApiSecret: STARTER.secret } });
const log = pino({ level: 'silent' });

let dir: string;
let sim: KrakenSim;
/** What the simulator refused, as it logs it ('rest error'). */
let refusals: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brain-order-lane-'));
  refusals = [];
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        if (line.includes('"msg":"rest error"')) refusals.push((JSON.parse(line) as { error: string }).error);
      },
    },
  );
  sim = await startKrakenSim({ pairs: [PAIR], seed: 5, accounts: [STARTER], logger });
});

afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One run of the daemon's Kraken side on the shared database: its client, venue and store, as daemon.ts wires them. */
function run() {
  const net = countingFetch();
  const client = new KrakenClient({
    baseUrl: sim.restUrl,
    clock: sim.clock,
    credentials: { key: STARTER.key, secret: STARTER.secret },
    tier: config.orders.krakenTier,
    timeoutMs: config.orders.restTimeoutSeconds * 1000,
    fallbackFees: config.trading.fallbackFees,
    fetch: net.fetch,
  });
  const venue = new LiveVenue({ client, orders: new OrderApi(client, sim.clock) });
  const rt: Runtime = {};
  const deps: StoreDeps = { config, clock: sim.clock, log, client, venue, paper: null, rt, dbPath: join(dir, 'brain.db'), repoRoot: dir, filesRoot: dir };
  openStore(deps);
  /** Resolves once `done()`, moving the simulator's clock to its next timer whenever no call is on the wire. */
  const drive = async (done: () => boolean, what: string) => {
    for (let steps = 0; !done(); steps++) {
      if (steps > 5_000) throw new Error(`${what}: not reached after ${steps} clock steps (simulated ${new Date(sim.clock.now()).toISOString()})`);
      await net.quiet();
      if (done()) break;
      const next = sim.clock.nextTimerAt();
      await sim.advance(Number.isFinite(next) ? Math.max(1, next - sim.clock.now()) : 1_000);
    }
  };
  return { client, venue, rt, repos: rt.repos!, drive };
}

it('a restart with a busy boot sweep: an entry arriving during it is sent once, inside its ack deadline, and the venue agrees', async () => {
  // The first run: orders sent (each looked up first, as every send is) whose acks it never wrote — killed.
  const first = run();
  let firstLoaded = false;
  void first.client.loadPairs().then(() => (firstLoaded = true));
  await first.drive(() => firstLoaded, 'first run: pairs');
  for (let i = 1; i <= IN_FLIGHT; i++) {
    const clOrdId = `Pold${i}-1`;
    first.repos.orders.insertIntent({
      clOrdId,
      pair: PAIR,
      side: 'buy',
      type: 'market',
      quantity: 0.001,
      limitPrice: null,
      positionId: `Pold${i}`,
      reason: 't',
      createdAt: sim.clock.now(),
    });
    first.repos.orders.updateStatus(clOrdId, { status: 'sent', updatedAt: sim.clock.now() });
    let acked = false;
    void first.venue.submitOrder({ clOrdId, pair: PAIR, side: 'buy', type: 'market', quantity: 0.001, limitPrice: null }).then(() => (acked = true));
    await first.drive(() => acked, `first run: order ${clOrdId}`);
  }
  await closeStore(first.rt, log);

  // The restart, at once: the pair table, then the account watch's boot sweep over the six orders in flight.
  const second = run();
  let loaded = false;
  void second.client.loadPairs().then(() => (loaded = true));
  await second.drive(() => loaded, 'restart: pairs');
  const events: SupervisorEvent[] = [];
  const stopWatch = accountWatch({ client: second.client, venue: second.venue, repos: second.repos, clock: sim.clock, log })(
    (e) => events.push(e),
    () => undefined,
  );
  // An entry arrives while the sweep has barely begun.
  const position = createActor(
    positionMachine.provide({
      actors: positionActors({
        venue: second.venue,
        orders: second.repos.orders,
        positions: second.repos.positions,
        snapshots: second.repos.machineSnapshots,
        clock: sim.clock,
        log,
      }),
    }),
    {
      input: {
        positionId: 'Pnew',
        pair: PAIR,
        strategyVersion: 'v-test',
        entry: { quantity: 0.001, stopLoss: null, takeProfit: null, reason: 'entry during the boot sweep' },
        now: sim.clock.now(),
        timeouts: orderDeadlines(config),
      },
      clock: sim.clock,
    },
  );
  const emitted: string[] = [];
  position.on('*', (e) => emitted.push(e.type));
  let ackedAt: number | null = null;
  position.subscribe((s) => {
    if (ackedAt === null && s.matches({ pendingEntry: 'working' })) ackedAt = sim.clock.now();
  });
  const sentAt = sim.clock.now();
  position.start();
  try {
    // Open, or closed when the entry was given up (before the order lane: dropped unsent at its ack deadline).
    await second.drive(() => position.getSnapshot().matches('open') || position.getSnapshot().matches('closed'), 'the entry settled');
    await second.drive(() => events.some((e) => e.type === 'venue.balances'), 'the boot sweep finished');
  } finally {
    position.stop();
    stopWatch();
  }

  // Sent once and acknowledged within the default ack deadline (its fills, with no executions feed here, are
  // asked for after the settle deadline: that lookup goes in the order lane too).
  const atVenue = sim.engine.orders().filter((o) => o.req.clOrdId === 'Pnew-1');
  expect(atVenue).toHaveLength(1);
  expect(ackedAt, `the entry's ack (events: ${emitted.join(', ')})`).not.toBeNull();
  expect(ackedAt! - sentAt).toBeLessThan(config.orders.ackTimeoutSeconds * 1000);
  expect(emitted).toContain('position.opened');
  expect(second.repos.orders.byClOrdId('Pnew-1')).toMatchObject({ status: 'filled', filledQuantity: 0.001, venueOrderId: atVenue[0]!.txid });
  // The venue never had to refuse a call for the rate: the restarted client knew the counter had not restarted.
  expect(refusals.filter((r) => r.includes('Rate limit'))).toEqual([]);
  // And the background sweep still made its way through every order in flight.
  for (let i = 1; i <= IN_FLIGHT; i++) expect(second.repos.orders.byClOrdId(`Pold${i}-1`)?.status, `Pold${i}-1`).toBe('filled');
  await closeStore(second.rt, log);
});
