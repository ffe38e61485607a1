/**
 * One WS v2 connection: JSON framing, `time_in`/`time_out` on responses, the status push on connect,
 * heartbeats (≈1/s of simulated time when nothing else was sent and something is subscribed), and the
 * stall fault (nothing goes out while stalled).
 */
import type { WebSocket } from 'ws';
import { rfc3339 } from '../format.ts';
import type { SimClock } from '../sim-clock.ts';
import type { SystemStatus } from '../faults.ts';

export type WsKind = 'public' | 'private';

const HEARTBEAT_MS = 1000;
let connectionCounter = 0n;

export class WsConn {
  stalled = false;
  /** executions `sequence`, +1 per executions message on this connection. */
  sequence = 0;
  readonly subscriptions = new Map<string, unknown>();
  private lastSentAt: number;
  private heartbeat: unknown;
  private readonly id = 18125794168470749634n + ++connectionCounter;

  constructor(
    readonly ws: WebSocket,
    readonly kind: WsKind,
    private readonly clock: SimClock,
  ) {
    this.lastSentAt = clock.now();
  }

  send(message: Record<string, unknown>): void {
    if (this.stalled || this.ws.readyState !== this.ws.OPEN) return;
    this.lastSentAt = this.clock.now();
    this.ws.send(JSON.stringify(message));
  }

  /** A response to a request: echoes method and req_id, adds time_in/time_out. */
  reply(method: string, reqId: unknown, timeIn: number, body: Record<string, unknown>): void {
    const times = { time_in: rfc3339(timeIn), time_out: rfc3339(this.clock.now()) };
    this.send({ method, ...body, ...times, ...(reqId !== undefined ? { req_id: reqId } : {}) });
  }

  sendStatus(system: SystemStatus): void {
    // connection_id exceeds 2^53 on Kraken; written as a bare integer literal like the real feed.
    const data = { version: '2.0.10', system, api_version: 'v2', connection_id: '__ID__', upcoming_maintenance: [], emergency: [] };
    if (this.stalled || this.ws.readyState !== this.ws.OPEN) return;
    this.lastSentAt = this.clock.now();
    this.ws.send(JSON.stringify({ channel: 'status', type: 'update', data: [data] }).replace('"__ID__"', this.id.toString()));
  }

  /** Starts heartbeats on the simulated clock once something is subscribed. */
  armHeartbeat(): void {
    if (this.heartbeat !== undefined) return;
    const tick = () => {
      if (this.clock.now() - this.lastSentAt >= HEARTBEAT_MS) this.send({ channel: 'heartbeat' });
      this.heartbeat = this.clock.setTimeout(tick, HEARTBEAT_MS);
    };
    this.heartbeat = this.clock.setTimeout(tick, HEARTBEAT_MS);
  }

  dispose(): void {
    if (this.heartbeat !== undefined) this.clock.clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
  }
}
