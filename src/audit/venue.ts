/**
 * The venue as the self-audit reads it: balances and the orders open there. Live: Kraken's BalanceEx
 * and OpenOrders (every open order, not one cl_ord_id); paper: the paper venue's own books (the daemon's
 * instance, or one restored from the orders and fills tables when the CLI audits a stopped daemon).
 */
import type { Pair } from '../contract/index.ts';
import type { KrakenClient } from '../kraken/client.ts';
import { OpenOrdersSchema } from '../kraken/schemas.ts';
import type { PaperVenue } from '../venues/paper.ts';
import type { VenueState } from './checks.ts';

export interface AuditVenue {
  readonly kind: 'paper' | 'live';
  read(): Promise<VenueState>;
}

export function liveAuditVenue(client: KrakenClient, pairs: readonly Pair[]): AuditVenue {
  return {
    kind: 'live',
    read: async () => {
      const [balances, open] = await Promise.all([client.balances(), client.rest.privateCall('OpenOrders', {}, OpenOrdersSchema)]);
      const base: Partial<Record<Pair, number>> = {};
      for (const pair of pairs) base[pair] = balances.spot[client.pairs.get(pair).baseCode]?.total ?? 0;
      const negative = Object.entries(balances.spot)
        .filter(([, b]) => b.total < 0)
        .map(([code]) => code);
      const openOrders = Object.entries(open.open).map(([venueOrderId, o]) => ({ venueOrderId, clOrdId: o.cl_ord_id ?? null }));
      return { usd: balances.spot['USD']?.total ?? 0, base, negative, openOrders };
    },
  };
}

export function paperAuditVenue(paper: PaperVenue): AuditVenue {
  return {
    kind: 'paper',
    read: async () => {
      const b = paper.balances();
      const negative = [
        ...(b.cash < 0 ? ['USD'] : []),
        ...Object.entries(b.holdings)
          .filter(([, q]) => (q ?? 0) < 0)
          .map(([p]) => p),
      ];
      return { usd: b.cash, base: { ...b.holdings }, negative, openOrders: paper.openOrders().map((id) => ({ venueOrderId: `PAPER-${id}`, clOrdId: id })) };
    },
  };
}
