/**
 * Balance reconciliation (issue 12): the venue's spot balances against the ledger's cash and holdings,
 * for the assets the daemon trades. Pure: the caller fetches the balances and decides what a mismatch
 * does (an alert and the breaker in reducing, never a silent correction of the ledger).
 */
import { baseAsset, type Pair } from '../contract/pairs.ts';
import type { Ledger } from './portfolio.ts';

export interface BalanceMismatch {
  /** WS v2 asset code: USD, BTC, ETH … */
  readonly asset: string;
  readonly venue: number;
  readonly ledger: number;
}

/** Half a unit of Kraken's 8th volume decimal: base balances are sums of lot-rounded fills. */
const QTY_TOLERANCE = 5e-9;
/** USD: a cent, plus the rounding of each fill's fee (5 decimals on the wire) and of the venue's 4-decimal balance. */
const CASH_TOLERANCE = 0.01;
const CASH_TOLERANCE_PER_FILL = 1e-4;

/**
 * Every traded asset whose venue balance differs from the ledger beyond rounding. An asset the venue does
 * not list counts as 0 there; assets of pairs not traded are not the daemon's business.
 */
export function balanceMismatches(ledger: Ledger, venue: Readonly<Record<string, number>>, pairs: readonly Pair[], fills: number): BalanceMismatch[] {
  const out: BalanceMismatch[] = [];
  const cashTolerance = CASH_TOLERANCE + CASH_TOLERANCE_PER_FILL * fills;
  const usd = venue['USD'] ?? 0;
  if (Math.abs(usd - ledger.cash) > cashTolerance) out.push({ asset: 'USD', venue: usd, ledger: ledger.cash });
  for (const pair of pairs) {
    const asset = baseAsset(pair);
    const held = ledger.holdings[pair]?.quantity ?? 0;
    const atVenue = venue[asset] ?? 0;
    if (Math.abs(atVenue - held) > QTY_TOLERANCE + 1e-9 * held) out.push({ asset, venue: atVenue, ledger: held });
  }
  return out;
}

/** One line per mismatch, for the alert: what the venue holds, what the ledger says, and what to check. */
export function describeMismatches(mismatches: readonly BalanceMismatch[]): string {
  const lines = mismatches.map((m) => `${m.asset}: venue ${m.venue}, ledger ${m.ledger} (difference ${m.venue - m.ledger})`);
  return `venue balances differ from the ledger (${lines.join('; ')}): entries reduced until explained; compare the venue's trade history with the fills table, the ledger is not changed`;
}
