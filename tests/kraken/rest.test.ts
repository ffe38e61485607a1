import type { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { KrakenError } from '../../src/kraken/errors.ts';
import { KrakenRest } from '../../src/kraken/rest.ts';
import { AssetPairsSchema, TimeSchema } from '../../src/kraken/schemas.ts';
import { loopback } from './loopback.ts';

/** A loopback server answering every request with whatever `reply` says (null = never answer). */
let server: Server | undefined;
let requests = 0;
async function serve(reply: () => { status?: number; body: string } | null): Promise<string> {
  requests = 0;
  const l = await loopback(() => {
    requests += 1;
    return reply();
  });
  server = l.server;
  return l.url;
}

const arrived = () => (requests > 0 ? Promise.resolve() : new Promise<void>((resolve) => server!.once('request', () => resolve())));
const envelope = (result: unknown) => ({ body: JSON.stringify({ error: [], result }) });

describe('REST transport parsing', () => {
  it('ignores unknown fields and returns the parsed result', async () => {
    const baseUrl = await serve(() => envelope({ unixtime: 1688669448, rfc1123: 'x', brandNew: { a: 1 } }));
    const rest = new KrakenRest({ baseUrl, clock: simulatedClock(0) });
    await expect(rest.publicCall('Time', {}, TimeSchema)).resolves.toEqual({ unixtime: 1688669448 });
  });

  it('names the endpoint and the missing field when a required field is absent', async () => {
    const baseUrl = await serve(() =>
      envelope({ XXBTZUSD: { altname: 'XBTUSD', wsname: 'XBT/USD', base: 'XXBT', quote: 'ZUSD', lot_decimals: 8, ordermin: '1' } }),
    );
    const rest = new KrakenRest({ baseUrl, clock: simulatedClock(0) });
    const err = (await rest.publicCall('AssetPairs', {}, AssetPairsSchema).catch((e: unknown) => e)) as KrakenError;
    expect(err).toBeInstanceOf(KrakenError);
    expect(err.kind).toBe('bug');
    expect(err.message).toContain('AssetPairs');
    expect(err.message).toContain('result.XXBTZUSD.pair_decimals');
  });

  it('rejects a body without the error envelope as a bug, without retrying', async () => {
    const baseUrl = await serve(() => ({ body: JSON.stringify({ result: {} }) }));
    const rest = new KrakenRest({ baseUrl, clock: simulatedClock(0) });
    await expect(rest.publicCall('Time', {}, TimeSchema)).rejects.toMatchObject({ kind: 'bug', venueCode: 'PARSE' });
    expect(requests).toBe(1);
  });

  it('passes warnings (W…) in the error array through with the result', async () => {
    const baseUrl = await serve(() => ({ body: JSON.stringify({ error: ['WGeneral:Something'], result: { unixtime: 5 } }) }));
    const rest = new KrakenRest({ baseUrl, clock: simulatedClock(0) });
    await expect(rest.publicCall('Time', {}, TimeSchema)).resolves.toEqual({ unixtime: 5 });
  });
});

describe('REST transport timing and cancellation', () => {
  it('times out on the injected clock and reports TIMEOUT', async () => {
    const baseUrl = await serve(() => null);
    const clock = simulatedClock(0);
    const rest = new KrakenRest({ baseUrl, clock, timeoutMs: 5_000, retries: 0 });
    const pending = rest.publicCall('Time', {}, TimeSchema).catch((e: unknown) => e);
    await arrived();
    clock.increment(5_000);
    expect(await pending).toMatchObject({ venueCode: 'TIMEOUT', kind: 'retryable' });
  });

  it('honours the caller AbortSignal', async () => {
    const baseUrl = await serve(() => null);
    const rest = new KrakenRest({ baseUrl, clock: simulatedClock(0), retries: 0 });
    const ac = new AbortController();
    const pending = rest.publicCall('Time', {}, TimeSchema, { signal: ac.signal }).catch((e: unknown) => e);
    await arrived();
    ac.abort();
    expect(await pending).toMatchObject({ venueCode: 'ABORTED' });
  });

  it('never sends a call whose caller aborted while it waited for the key (a stopped order actor must not place its order)', async () => {
    const baseUrl = await serve(() => (requests === 1 ? null : envelope({ txid: ['O1'] })));
    const rest = new KrakenRest({ baseUrl, clock: simulatedClock(0), credentials: { key: 'k', secret: 'c2VjcmV0' }, retries: 0 });
    // The first call holds the key's mutex (its reply never comes); the order waits behind it.
    const first = rest.privateCall('Balance', {}, z.unknown()).catch((e: unknown) => e);
    await arrived();
    const ac = new AbortController();
    const order = rest.privateCall('AddOrder', {}, z.unknown(), { placesOrder: true, signal: ac.signal }).catch((e: unknown) => e);
    ac.abort();
    server!.closeAllConnections();
    await first;
    expect(await order).toMatchObject({ venueCode: 'ABORTED', kind: 'retryable' });
    expect(requests).toBe(1);
  });

  it('marks a refused connection as never sent: retryable even for an order', async () => {
    const baseUrl = await serve(() => null);
    server!.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const rest = new KrakenRest({ baseUrl, clock: simulatedClock(0), credentials: { key: 'k', secret: 'c2VjcmV0' }, retries: 0 });
    const err = await rest.privateCall('AddOrder', {}, z.unknown(), { placesOrder: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ venueCode: 'ECONNREFUSED', kind: 'retryable' });
  });

  it('refuses a private call without credentials with an auth error', async () => {
    const rest = new KrakenRest({ baseUrl: 'http://127.0.0.1:1', clock: simulatedClock(0) });
    await expect(rest.privateCall('Balance', {}, z.unknown())).rejects.toMatchObject({ kind: 'auth', venueCode: 'NO_CREDENTIALS' });
  });
});
