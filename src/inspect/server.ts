/**
 * The `--inspect` endpoint (issue 21): one HTTP + WebSocket server on 127.0.0.1 that the daemon starts
 * itself. `/` is a page that opens the Stately inspector (a remote web app) in a frame and hands it this
 * daemon's events (the bridge @statelyai/inspect's own server serves, minus its bind to every interface);
 * `/tree` is an offline view of the same events; any WebSocket client on `/` receives them as the Stately
 * inspector's messages (messages.ts), beginning with the live tree as it is when it connects.
 * Only loopback is served: the socket is bound to 127.0.0.1, and a request from another address, for
 * another host name (DNS rebinding) or from a page of another origin is refused with 403.
 * Trading never waits for it: with no viewer an event costs one comparison; otherwise it is queued in a
 * bounded queue and serialized later, off the event's own path; a full queue or a viewer whose socket
 * has not drained is dropped from (counted), never buffered without bound.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { messageFormat } from './messages.ts';
import { bridgePage, treePage } from './pages.ts';

export interface InspectorOptions {
  /** 0 = a free port. */
  port: number;
  /** Secret values scrubbed from every message (the logger's: secretValues(config)). */
  secrets: readonly string[];
  /** The daemon's clock (messages are stamped with it). */
  now: () => number;
  log: Logger;
  /** Inspection events waiting to be serialized; beyond it they are dropped. */
  queueLimit?: number;
  /** A viewer whose socket holds more unsent bytes than this misses events until it drains. */
  slowViewerBytes?: number;
}

export interface InspectorStats {
  viewers: number;
  sent: number;
  dropped: number;
}

export interface InspectorEndpoint {
  readonly port: number;
  /** The page that opens the Stately inspector on this daemon. */
  readonly url: string;
  /** The offline tree view. */
  readonly treeUrl: string;
  /** Where an inspector client connects. */
  readonly wsUrl: string;
  /** The root actor's `inspect` observer. */
  inspect(e: InspectionEvent): void;
  /** The tree a viewer is shown when it connects. */
  attach(root: AnyActorRef): void;
  stats(): InspectorStats;
  close(): Promise<void>;
}

const BATCH = 500;
/** What the viewer takes; microsteps and actions are not sent (nor queued). */
const SENT_KINDS = new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']);

const isLoopbackAddress = (a: string | undefined): boolean => a === '::1' || (a?.startsWith('127.') ?? false) || (a?.startsWith('::ffff:127.') ?? false);

function isLoopbackName(hostOrUrl: string | undefined, withScheme: boolean): boolean {
  if (!hostOrUrl) return false;
  try {
    const { hostname } = new URL(withScheme ? hostOrUrl : `http://${hostOrUrl}`);
    return hostname === 'localhost' || hostname === '[::1]' || isLoopbackAddress(hostname);
  } catch {
    return false;
  }
}

/** Loopback peer, loopback host name, and no foreign page behind it (a browser always sends Origin on a WebSocket). */
export function isAllowedRequest(req: Pick<IncomingMessage, 'headers' | 'socket'>): boolean {
  const origin = req.headers.origin;
  return isLoopbackAddress(req.socket.remoteAddress) && isLoopbackName(req.headers.host, false) && (origin === undefined || isLoopbackName(origin, true));
}

function* treeOf(ref: AnyActorRef): Generator<AnyActorRef> {
  yield ref;
  const children = (ref.getSnapshot() as { children?: Record<string, AnyActorRef | undefined> }).children ?? {};
  for (const child of Object.values(children)) if (child) yield* treeOf(child);
}

export async function startInspector(o: InspectorOptions): Promise<InspectorEndpoint> {
  const format = messageFormat(o.secrets, o.now);
  const limit = o.queueLimit ?? 10_000;
  const slow = o.slowViewerBytes ?? 1 << 20;
  const viewers = new Set<WebSocket>();
  const queue: InspectionEvent[] = [];
  const stats = { sent: 0, dropped: 0 };
  let root: AnyActorRef | null = null;
  let scheduled = false;

  const send = (ws: WebSocket, message: string): void => {
    if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > slow) {
      stats.dropped += 1;
      return;
    }
    ws.send(message);
    stats.sent += 1;
  };
  const drain = (): void => {
    scheduled = false;
    for (const e of queue.splice(0, BATCH)) {
      let message: string | null;
      try {
        message = format.fromInspection(e);
      } catch (err) {
        stats.dropped += 1;
        o.log.debug({ err, type: e.type }, 'inspection event not serializable: dropped');
        continue;
      }
      if (message) for (const ws of viewers) send(ws, message);
    }
    if (queue.length > 0) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  };

  const http = createServer((req, res) => {
    if (!isAllowedRequest(req)) return void res.writeHead(403).end('forbidden: the inspector answers loopback only (use an SSH tunnel)\n');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = path === '/' ? bridgePage() : path === '/tree' ? treePage() : null;
    if (req.method !== 'GET' || page === null)
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('the inspector serves / (Stately inspector) and /tree (offline view)\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  http.on('upgrade', (req, socket, head) => {
    if (!isAllowedRequest(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      viewers.add(ws);
      ws.on('close', () => viewers.delete(ws));
      ws.on('error', () => viewers.delete(ws));
      if (root) for (const ref of treeOf(root)) send(ws, format.actor(ref));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    treeUrl: `http://127.0.0.1:${port}/tree`,
    wsUrl: `ws://127.0.0.1:${port}/`,
    inspect: (e) => {
      if (viewers.size === 0 || !SENT_KINDS.has(e.type)) return;
      if (queue.length >= limit) {
        stats.dropped += 1;
        return;
      }
      queue.push(e);
      schedule();
    },
    attach: (ref) => {
      root = ref;
    },
    stats: () => ({ viewers: viewers.size, ...stats }),
    close: async () => {
      queue.length = 0;
      for (const ws of viewers) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
