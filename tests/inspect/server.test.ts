/**
 * Issue 21, done-when (second half) and point 3: the inspector endpoint answers loopback only — bound to
 * 127.0.0.1, and a request for another host name (DNS rebinding), from a foreign page's origin or from a
 * non-loopback peer is refused — and it never holds trading up: with no viewer an event is not even
 * queued, the queue is bounded, and a viewer that does not read is dropped from instead of buffered for.
 */
import { request } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createActor, setup, type InspectionEvent } from 'xstate';
import { isAllowedRequest, startInspector, type InspectorEndpoint } from '../../src/inspect/index.ts';

const log = pino({ level: 'silent' });
let inspector: InspectorEndpoint | undefined;
afterEach(async () => {
  await inspector?.close();
  inspector = undefined;
});

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/** A client; what it receives is kept from its first message on (the live tree comes right after the handshake). */
function connect(url: string, headers: Record<string, string> = {}, received: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('message', (d) => received.push(String(d)));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** A tiny tree whose events the endpoint is fed directly. */
function ticker(feed: (e: InspectionEvent) => void) {
  const machine = setup({}).createMachine({ id: 'ticker', context: { n: 0 }, on: { tick: { actions: () => undefined } } });
  return createActor(machine, { id: 'ticker', inspect: feed }).start();
}

describe('the inspector endpoint answers loopback only', () => {
  it('is bound to 127.0.0.1 and serves the bridge page and the offline tree there', async () => {
    inspector = await startInspector({ port: 0, secrets: [], now: () => 0, log });
    expect(inspector.url).toBe(`http://127.0.0.1:${inspector.port}/`);
    expect(await get(inspector.port, '/')).toBe(200);
    expect(await get(inspector.port, '/tree')).toBe(200);
    expect(await get(inspector.port, '/other')).toBe(404);
  });

  it('refuses another host name and a foreign origin, for pages and for the WebSocket', async () => {
    inspector = await startInspector({ port: 0, secrets: [], now: () => 0, log });
    expect(await get(inspector.port, '/', { host: 'attacker.example:80' })).toBe(403);
    await expect(connect(inspector.wsUrl, { origin: 'https://attacker.example' })).rejects.toThrow('refused with 403');
    await expect(connect(inspector.wsUrl, { host: 'rebound.example' })).rejects.toThrow('refused with 403');
    // An SSH tunnel on another local port still reads as localhost.
    (await connect(inspector.wsUrl, { host: 'localhost:9999', origin: 'http://localhost:9999' })).close();
  });

  it('refuses any peer that is not loopback', () => {
    const req = (remoteAddress: string) => ({ headers: { host: '127.0.0.1:8080' }, socket: { remoteAddress } }) as never;
    expect(isAllowedRequest(req('127.0.0.1'))).toBe(true);
    expect(isAllowedRequest(req('::1'))).toBe(true);
    expect(isAllowedRequest(req('::ffff:127.0.0.1'))).toBe(true);
    for (const peer of ['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', '2001:db8::1']) expect(isAllowedRequest(req(peer)), peer).toBe(false);
  });
});

describe('the inspector never holds trading up', () => {
  it('with no viewer, events are neither queued nor serialized', async () => {
    inspector = await startInspector({ port: 0, secrets: [], now: () => 0, log, queueLimit: 10 });
    const actor = ticker(inspector.inspect);
    for (let i = 0; i < 1_000; i++) actor.send({ type: 'tick' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(inspector.stats()).toEqual({ viewers: 0, sent: 0, dropped: 0 });
    actor.stop();
  });

  it('a burst beyond the queue is dropped and counted, and a new viewer still gets the live tree', async () => {
    inspector = await startInspector({ port: 0, secrets: [], now: () => 0, log, queueLimit: 50 });
    const actor = ticker(inspector.inspect);
    inspector.attach(actor);
    const received: string[] = [];
    const ws = await connect(inspector.wsUrl, {}, received);
    for (let i = 0; i < 500; i++) actor.send({ type: 'tick' });
    // Each tick is an event and a snapshot for the viewer: 1000 offered at once, 50 queued, the rest dropped.
    expect(inspector.stats().dropped).toBe(1_000 - 50);
    await new Promise<void>((resolve) => {
      const check = () => (received.length >= 1 + 50 ? resolve() : ws.once('message', check));
      check();
    });
    expect(received).toHaveLength(1 + 50);
    expect(JSON.parse(received[0]!)).toMatchObject({ type: '@xstate.actor', name: 'ticker' });
    ws.close();
    actor.stop();
  });

  it('a viewer that does not read is dropped from once its socket holds too much, instead of buffering for it', async () => {
    inspector = await startInspector({ port: 0, secrets: [], now: () => 0, log, slowViewerBytes: 64 * 1024 });
    const actor = ticker(inspector.inspect);
    const ws = await connect(inspector.wsUrl);
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let round = 0; round < 40 && inspector.stats().dropped === 0; round++) {
      for (let i = 0; i < 500; i++) actor.send({ type: 'tick' });
      for (let k = 0; k < 3; k++) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(inspector.stats().dropped).toBeGreaterThan(0);
    ws.terminate();
    actor.stop();
  });
});
