/**
 * WebSocket v2 transport (reference/kraken-api.md §8): one socket, JSON frames, requests matched to
 * their acks by req_id (a subscribe to N symbols gets N acks), and an app-level ping after
 * `pingIdleMs` of send-idleness. Liveness (heartbeats) is judged by the connection machine.
 */
import WebSocket from 'ws';
import type { Clock } from '../clock/clock.ts';
import { KrakenError, venueError } from './errors.ts';

export interface KrakenWsOptions {
  url: string;
  clock: Clock;
  requestTimeoutMs?: number;
  pingIdleMs?: number;
}

export type WsFrame = Record<string, unknown>;

interface Pending {
  acks: unknown[];
  expected: number;
  resolve: (acks: unknown[]) => void;
  reject: (err: Error) => void;
  timer: unknown;
}

export class KrakenWs {
  private nextReqId = 1;
  private readonly pending = new Map<number, Pending>();
  private pingTimer: unknown;
  private readonly requestTimeoutMs: number;
  private readonly pingIdleMs: number;

  private constructor(
    private readonly socket: WebSocket,
    private readonly opts: KrakenWsOptions,
  ) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.pingIdleMs = opts.pingIdleMs ?? 30_000;
    socket.on('close', () => this.failPending('socket closed'));
    this.schedulePing();
  }

  /** Opens the socket; rejects (retryable) when it cannot. Frames arriving before `onFrame` are not lost. */
  static connect(opts: KrakenWsOptions, onFrame: (f: WsFrame) => void, onClose: (code: number, reason: string) => void): Promise<KrakenWs> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(opts.url);
      let conn: KrakenWs | undefined;
      socket.on('message', (data) => {
        const frame = parseFrame(data.toString());
        if (frame && (conn?.route(frame) ?? true)) onFrame(frame);
      });
      socket.once('open', () => resolve((conn = new KrakenWs(socket, opts))));
      // Keep a listener for the socket's whole life: an unhandled 'error' event would crash the process.
      socket.on('error', (err) => {
        if (!conn)
          reject(new KrakenError(`WS connect to ${opts.url} failed: ${err.message}`, { kind: 'retryable', venueCode: 'NETWORK', endpoint: 'ws', cause: err }));
      });
      socket.on('close', (code, reason) => conn && onClose(code, reason.toString()));
    });
  }

  /** Sends a request and resolves with its `expectedAcks` successful acks; a failed ack rejects. */
  request(method: string, params: Record<string, unknown> | undefined, expectedAcks = 1): Promise<unknown[]> {
    const reqId = this.nextReqId++;
    return new Promise((resolve, reject) => {
      const timer = this.opts.clock.setTimeout(() => {
        this.pending.delete(reqId);
        reject(
          new KrakenError(`WS ${method} got no ack within ${this.requestTimeoutMs} ms`, { kind: 'retryable', venueCode: 'TIMEOUT', endpoint: `ws:${method}` }),
        );
      }, this.requestTimeoutMs);
      this.pending.set(reqId, { acks: [], expected: expectedAcks, resolve, reject, timer });
      this.send({ method, ...(params ? { params } : {}), req_id: reqId });
    });
  }

  close(): void {
    this.opts.clock.clearTimeout(this.pingTimer);
    this.socket.terminate();
  }

  private send(msg: WsFrame): void {
    this.socket.send(JSON.stringify(msg));
    this.schedulePing();
  }

  private schedulePing(): void {
    this.opts.clock.clearTimeout(this.pingTimer);
    this.pingTimer = this.opts.clock.setTimeout(() => {
      if (this.socket.readyState === WebSocket.OPEN) this.request('ping', undefined).catch(() => undefined);
    }, this.pingIdleMs);
  }

  /** Returns false when the frame was an ack consumed here; pongs pass on as a sign of life. */
  private route(frame: WsFrame): boolean {
    const reqId = frame['req_id'];
    if (typeof frame['method'] !== 'string' || typeof reqId !== 'number') return true;
    const p = this.pending.get(reqId);
    if (!p) return true;
    if (frame['success'] === false) {
      this.settle(reqId, p);
      p.reject(venueError(String(frame['error'] ?? 'unknown error'), `ws:${frame['method']}`));
      return false;
    }
    p.acks.push(frame['result'] ?? frame);
    if (p.acks.length >= p.expected) {
      this.settle(reqId, p);
      p.resolve(p.acks);
    }
    return frame['method'] === 'pong';
  }

  private settle(reqId: number, p: Pending): void {
    this.opts.clock.clearTimeout(p.timer);
    this.pending.delete(reqId);
  }

  private failPending(why: string): void {
    this.opts.clock.clearTimeout(this.pingTimer);
    for (const [reqId, p] of this.pending) {
      this.settle(reqId, p);
      p.reject(new KrakenError(`WS request ${reqId} abandoned: ${why}`, { kind: 'retryable', venueCode: 'NETWORK', endpoint: 'ws' }));
    }
  }
}

function parseFrame(text: string): WsFrame | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as WsFrame) : undefined;
  } catch {
    return undefined;
  }
}
