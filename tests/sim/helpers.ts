/** Loopback helpers for the simulator tests: a signed REST caller and a WS client that waits for messages. */
import WebSocket from 'ws';
import { signRequest, SIM_TEST_ACCOUNT, startKrakenSim, type KrakenSim, type SimAccount, type SimOptions } from '../../src/sim/index.ts';

export type Json = Record<string, any>;

/** 2024-09-04 00:00 UTC: three days of bundled history (864 5m candles) lie before it. */
export const DAY_ONE = Date.UTC(2024, 8, 4);

export async function startSim(opts: SimOptions = {}): Promise<KrakenSim> {
  return startKrakenSim({ seed: 42, startTime: DAY_ONE, ...opts });
}

export function restClient(sim: KrakenSim, account: SimAccount = SIM_TEST_ACCOUNT) {
  let nonce = 1_000_000;
  return {
    async get(method: string, query: Record<string, string> = {}): Promise<Json> {
      const res = await fetch(`${sim.restUrl}/0/public/${method}?${new URLSearchParams(query)}`);
      return (await res.json()) as Json;
    },
    async post(
      method: string,
      params: Record<string, string> = {},
      opts: { nonce?: number; key?: string; sign?: string; signal?: AbortSignal } = {},
    ): Promise<Json> {
      const n = String(opts.nonce ?? ++nonce);
      const body = new URLSearchParams({ nonce: n, ...params }).toString();
      const path = `/0/private/${method}`;
      const res = await fetch(sim.restUrl + path, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'API-Key': opts.key ?? account.key,
          'API-Sign': opts.sign ?? signRequest(path, n, body, account.secret),
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return (await res.json()) as Json;
    },
  };
}

export interface WsClient {
  ws: WebSocket;
  messages: Json[];
  send(message: Json): void;
  /** The first not-yet-taken message matching `pred` (already received or still to come). */
  take(pred: (m: Json) => boolean): Promise<Json>;
  /** How many received messages match, without consuming. */
  count(pred: (m: Json) => boolean): number;
  close(): void;
}

export async function wsClient(url: string): Promise<WsClient> {
  const ws = new WebSocket(url);
  const messages: Json[] = [];
  const taken = new Set<Json>();
  const waiters: Array<{ pred: (m: Json) => boolean; resolve: (m: Json) => void }> = [];
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as Json;
    messages.push(m);
    const i = waiters.findIndex((w) => w.pred(m));
    if (i >= 0) {
      taken.add(m);
      waiters.splice(i, 1)[0]!.resolve(m);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    send: (message) => ws.send(JSON.stringify(message)),
    take: (pred) => {
      const found = messages.find((m) => !taken.has(m) && pred(m));
      if (found) {
        taken.add(found);
        return Promise.resolve(found);
      }
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    count: (pred) => messages.filter(pred).length,
    close: () => ws.close(),
  };
}

export const isChannel = (channel: string, type?: string) => (m: Json) => m.channel === channel && (type === undefined || m.type === type);
export const isMethod = (method: string, reqId?: number) => (m: Json) => m.method === method && (reqId === undefined || m.req_id === reqId);

/** A fresh WS token for the default account. */
export async function wsToken(sim: KrakenSim): Promise<string> {
  const r = await restClient(sim).post('GetWebSocketsToken');
  return r.result.token as string;
}
