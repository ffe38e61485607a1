/** Fixtures for actor tests: a migrated in-memory database, a silent logger, a simulated clock and a fake venue. */
import pino from 'pino';
import { afterEach } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { createRepositories, openDatabase, type Repositories } from '../../src/db/index.ts';
import type { OrderAck, OrderRequest, Venue, VenueOrder } from '../../src/trading/venue.ts';

export const T0 = Date.UTC(2025, 0, 6, 12);
const opened: Repositories[] = [];
afterEach(() => {
  for (const r of opened.splice(0)) r.db.close();
});

export function world() {
  const repos = createRepositories(openDatabase({ path: ':memory:', now: () => T0 }));
  opened.push(repos);
  const clock = simulatedClock(T0);
  const log = pino({ level: 'silent' });
  return { repos, clock, log };
}

/** A venue in memory: remembers what was sent, and lets a test pre-load orders it "already has". */
export class FakeVenue implements Venue {
  readonly sent: OrderRequest[] = [];
  readonly known = new Map<string, VenueOrder>();
  /** Called at the moment of sending: tests assert what the database holds right then. */
  onSend: (req: OrderRequest) => void = () => undefined;
  /** When set, the reply to a send waits for it (a reply still on the wire). */
  replyGate: Promise<void> | null = null;

  /** Idempotent by clOrdId, as the Venue contract asks: an order it already has comes back as its ack. */
  async submitOrder(req: OrderRequest): Promise<OrderAck> {
    const known = this.known.get(req.clOrdId);
    if (known) return { ...known, reason: null };
    this.onSend(req);
    this.sent.push(req);
    this.known.set(req.clOrdId, { clOrdId: req.clOrdId, venueOrderId: `V-${req.clOrdId}`, status: 'open', filledQuantity: 0, fills: [] });
    await this.replyGate;
    return { clOrdId: req.clOrdId, venueOrderId: `V-${req.clOrdId}`, status: 'open', reason: null, filledQuantity: 0, fills: [] };
  }

  async queryOrder(clOrdId: string): Promise<VenueOrder | null> {
    return this.known.get(clOrdId) ?? null;
  }

  async cancelOrder(clOrdId: string): Promise<VenueOrder | null> {
    const o = this.known.get(clOrdId);
    if (o) this.known.set(clOrdId, { ...o, status: 'canceled' });
    return this.known.get(clOrdId) ?? null;
  }
}
