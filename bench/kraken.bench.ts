/**
 * Kraken edge throughput: book maintenance with CRC32 verification, API-Sign, grid formatting, and
 * REST round trips (private, signed, rate-counted) against the loopback simulator. Prints figures only.
 */
import { performance } from 'node:perf_hooks';
import { apiSign } from '../src/kraken/auth.ts';
import { OrderBook, type BookLevel } from '../src/kraken/book.ts';
import { KrakenClient } from '../src/kraken/client.ts';
import { formatOnGrid } from '../src/kraken/decimal.ts';
import { BalanceSchema } from '../src/kraken/schemas.ts';
import { SIM_TEST_ACCOUNT, startKrakenSim } from '../src/sim/index.ts';

function rate(label: string, n: number, fn: (i: number) => void): void {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const ms = performance.now() - t0;
  console.log(
    `${label.padEnd(44)} ${n.toLocaleString().padStart(9)} ops  ${((n / ms) * 1000).toFixed(0).padStart(9)} ops/s  ${((ms * 1000) / n).toFixed(2)} µs/op`,
  );
}

function bookBench(): void {
  const mid = 60_000;
  const side = (dir: number): BookLevel[] =>
    Array.from({ length: 25 }, (_, i) => ({ price: Math.round((mid + dir * (i + 1) * 0.5) * 10) / 10, qty: 0.1 + i / 100 }));
  const book = new OrderBook(25, { priceDecimals: 1, qtyDecimals: 8 });
  book.apply({ asks: side(1), bids: side(-1), checksum: 0 }, true);
  rate('book update (3 levels) + CRC32 checksum', 200_000, (i) => {
    const p = Math.round((mid + 0.5 + (i % 20) * 0.5) * 10) / 10;
    const asks = [{ price: p, qty: (i % 7) / 10 }];
    const bids = [
      { price: Math.round((mid - 0.5 - (i % 20) * 0.5) * 10) / 10, qty: ((i + 3) % 5) / 10 },
      { price: mid - 30, qty: 0 },
    ];
    book.apply({ asks, bids, checksum: 0 }, false);
  });
}

async function restBench(): Promise<void> {
  const sim = await startKrakenSim({ pairs: ['BTC/USD'], rateLimits: false });
  try {
    const client = new KrakenClient({
      baseUrl: sim.restUrl,
      clock: sim.clock,
      credentials: { key: SIM_TEST_ACCOUNT.key, secret: SIM_TEST_ACCOUNT.secret },
      tier: 'pro',
      fallbackFees: { maker: 0.0025, taker: 0.004 },
    });
    await client.loadPairs();
    // Nothing advances the sim clock on its own here, so move it now and then to let the local rate counter decay.
    const n = 300;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      if (i % 15 === 0) await sim.advance(60_000);
      await client.rest.privateCall('Balance', {}, BalanceSchema);
    }
    const ms = performance.now() - t0;
    console.log(
      `${'private REST Balance round trip (sequential)'.padEnd(44)} ${n.toLocaleString().padStart(9)} ops  ${((n / ms) * 1000).toFixed(0).padStart(9)} ops/s  ${(ms / n).toFixed(2)} ms/op`,
    );
  } finally {
    await sim.close();
  }
}

export default async function (): Promise<void> {
  const secret = SIM_TEST_ACCOUNT.secret;
  rate(
    'API-Sign (HMAC-SHA512 over SHA256)',
    100_000,
    (i) => void apiSign('/0/private/AddOrder', String(1e12 + i), `nonce=${1e12 + i}&pair=XBTUSD&type=buy&volume=1.25`, secret),
  );
  rate('price on tick grid (BigInt, no float artefacts)', 200_000, (i) => void formatOnGrid(30_000 + i * 0.0137, '0.1', 1));
  bookBench();
  await restBench();
}
