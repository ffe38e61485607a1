/**
 * A fill's identity (`Fill.tradeId`, the fills table's key, the ledger's booked set): the pair and the
 * venue's trade number, `<pair>:<trade number>`. Kraken numbers trades PER PAIR (a REST trade's
 * `trade_id` and an execution's `trade_id` are the pair's public trade sequence), so the bare number of a
 * BTC/USD fill can equal an ETH/USD fill's: keyed by the number alone, the second was taken for a repeat
 * and lost. Every path that produces a fill (WS executions, REST QueryTrades/TradesHistory, the paper
 * venue, the backtester) names it through `fillId`, so the same trade heard on the feed and found again
 * by REST is one string and is booked once. Kraken's exec_id / trade txid would be unique too, but the
 * databases written before this key hold only the pair and the number, and `<pair>:<number>` is what a
 * migration can compute for them (and what `upgradedFillId` computes for persisted position snapshots).
 */
import type { Pair } from '../contract/pairs.ts';

const SEPARATOR = ':';

/** The identity of the venue's trade `venueTradeId` on `pair`. */
export function fillId(pair: Pair, venueTradeId: string | number): string {
  return `${pair}${SEPARATOR}${venueTradeId}`;
}

/**
 * A tradeId as stored before fills were keyed by pair (the bare venue number) brought to today's key;
 * a key that already names its pair is returned as it is. Pairs contain no ':' and old ids had none.
 */
export function upgradedFillId(pair: Pair, tradeId: string): string {
  return tradeId.startsWith(`${pair}${SEPARATOR}`) ? tradeId : fillId(pair, tradeId);
}
