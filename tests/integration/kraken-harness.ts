/**
 * Test harness for the Kraken client against the loopback simulator: a client on the simulator's
 * clock, an instrumented fetch that knows when no request is in flight, and a driver that moves
 * simulated time only while the client is waiting on that clock (so no request ever times out
 * spuriously and no test sleeps).
 */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { startKrakenSim, SIM_TEST_ACCOUNT, type KrakenSim, type SimOptions } from '../../src/sim/index.ts';
import { KrakenClient, type KrakenClientOptions } from '../../src/kraken/client.ts';
import { OrderApi } from '../../src/kraken/orders.ts';
import { countingFetch } from '../../src/kraken/counting-fetch.ts';

export interface Harness {
  sim: KrakenSim;
  client: KrakenClient;
  orders: OrderApi;
  /** Sim log records (pino objects) as they happen: e.g. `msg: 'order event'`. */
  simLog: EventEmitter;
  inflight(): number;
  /** Resolves `p`, advancing simulated time whenever the client is idle and waiting on the clock. */
  drive<T>(p: Promise<T>): Promise<T>;
  /** Resolves once no request is in flight (e.g. after a timer fired a call inside sim.advance). */
  quiesce(): Promise<void>;
  /** Resolves on the first sim log record matching `pred`. */
  simEvent(pred: (rec: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startHarness(opts: { sim?: SimOptions; client?: Partial<KrakenClientOptions> } = {}): Promise<Harness> {
  const simLog = new EventEmitter();
  // Debug level for the 'rest request' records; only the records tests wait on are parsed.
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        if (line.includes('"msg":"rest request"') || line.includes('"msg":"order event"')) simLog.emit('record', JSON.parse(line));
      },
    },
  );
  const sim = await startKrakenSim({ pairs: ['BTC/USD', 'ETH/USD'], seed: 7, logger, ...opts.sim });
  const net = countingFetch();
  const client = new KrakenClient({
    baseUrl: sim.restUrl,
    clock: sim.clock,
    credentials: { key: SIM_TEST_ACCOUNT.key, secret: SIM_TEST_ACCOUNT.secret },
    tier: 'intermediate',
    fallbackFees: { maker: 0.0025, taker: 0.004 },
    fetch: net.fetch,
    ...opts.client,
  });
  const orders = new OrderApi(client, sim.clock, { graceMs: 3_000, lookups: 3 });

  const drive = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    p.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      await net.quiet();
      if (done) continue;
      const next = sim.clock.nextTimerAt();
      await sim.advance(Number.isFinite(next) ? Math.max(1, next - sim.clock.now()) : 1_000);
    }
    return p;
  };

  const simEvent = (pred: (rec: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const on = (rec: Record<string, unknown>) => {
        if (!pred(rec)) return;
        simLog.off('record', on);
        resolve(rec);
      };
      simLog.on('record', on);
    });

  await drive(client.loadPairs());
  return { sim, client, orders, simLog, inflight: net.inflight, drive, quiesce: net.quiet, simEvent, close: () => sim.close() };
}
