/**
 * Fill recovery (issue 12, DESIGN inv. 4): every order our table does not know to be final, and every
 * order the venue executed more of than the fills booked for it, is asked of the venue BY cl_ord_id
 * (never resent); its fills are handed on to be booked once by trade id, and its row gets the venue's
 * status and executed quantity. Runs at boot (fills written through the journal's recordFill before the
 * supervisor runs) and after every private-feed (re)connect (fills sent to the supervisor as venue.fill,
 * which books and journals them), so a fill published while the executions feed was down is not lost.
 */
import type { Logger } from 'pino';
import type { Fill, Order } from '../../src/contract/index.ts';
import type { Repositories } from '../../src/db/index.ts';
import type { Venue, VenueOrder } from '../../src/trading/venue.ts';

export interface RecoveryDeps {
  repos: Pick<Repositories, 'orders'>;
  venue: Venue;
  now: () => number;
  log: Logger;
}

export interface RecoveryReport {
  /** Orders asked of the venue. */
  asked: number;
  /** Rows whose status or executed quantity changed. */
  updated: number;
  /** Fills the venue reported for them (booked once by trade id downstream). */
  fills: number;
  /** Orders the venue does not know (left to their position, never resent). */
  unknown: number;
  /** Orders that could not be asked now (asked again at the next sweep). */
  failed: number;
}

/** Open orders and orders with executed quantity not covered by booked fills, each once, oldest first. */
export function ordersToRecover(repos: Pick<Repositories, 'orders'>): Order[] {
  const byId = new Map<string, Order>();
  for (const o of [...repos.orders.open(), ...repos.orders.uncovered()]) byId.set(o.clOrdId, o);
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || a.clOrdId.localeCompare(b.clOrdId));
}

/**
 * Asks the venue about each order to recover and hands every fill it reports to `onFill`. With
 * `failFast` (boot), a venue failure throws; otherwise it is counted and the sweep goes on.
 */
export async function recoverFills(d: RecoveryDeps, onFill: (fill: Fill, order: VenueOrder) => void, failFast = false): Promise<RecoveryReport> {
  const report: RecoveryReport = { asked: 0, updated: 0, fills: 0, unknown: 0, failed: 0 };
  for (const row of ordersToRecover(d.repos)) {
    report.asked += 1;
    let seen: VenueOrder | null;
    try {
      // A sweep: it waits behind the calls of any order being sent or recovered now.
      seen = await d.venue.queryOrder(row.clOrdId, undefined, 'background');
    } catch (err) {
      if (failFast) throw err;
      report.failed += 1;
      d.log.warn({ err, clOrdId: row.clOrdId }, 'order not recoverable now: asked again at the next sweep');
      continue;
    }
    if (!seen) {
      report.unknown += 1;
      d.log.info({ clOrdId: row.clOrdId, status: row.status }, 'order unknown to the venue: left for its position to settle (never resent blindly)');
      continue;
    }
    for (const f of seen.fills) onFill(f, seen);
    report.fills += seen.fills.length;
    if (seen.status !== row.status || seen.filledQuantity !== row.filledQuantity) {
      d.repos.orders.updateStatus(row.clOrdId, {
        status: seen.status,
        filledQuantity: seen.filledQuantity,
        updatedAt: d.now(),
        ...(seen.venueOrderId ? { venueOrderId: seen.venueOrderId } : {}),
      });
      report.updated += 1;
    }
  }
  return report;
}
