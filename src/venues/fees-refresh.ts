/**
 * The per-pair fee schedule, refreshed daily (issue 8 §6): the account's own rates from TradeVolume
 * when credentials exist, else AssetPairs' tier table, else the configured fallback — the order the
 * pair table already applies (src/kraken/pairs.ts). Rates land in fee_schedule; a failed refresh keeps
 * the last stored rates, because a stale real rate is closer to the truth than the fallback.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { FeeRates, Pair } from '../contract/index.ts';
import type { FeeScheduleEntry, FeesRepo } from '../db/fees.repo.ts';
import type { PairTable } from '../kraken/pairs.ts';

export interface FeeRefreshDeps {
  /** Reloads AssetPairs (+ TradeVolume with credentials): `KrakenClient.loadPairs`. */
  loadPairs: () => Promise<Pick<PairTable, 'get'>>;
  fees: Pick<FeesRepo, 'save' | 'get'>;
  clock: Clock;
  /** config `trading.fallbackFees`. */
  fallback: FeeRates;
  logger?: Logger;
}

export type FeeRefreshResult =
  | { readonly ok: true; readonly entries: readonly FeeScheduleEntry[] }
  /** The venue could not be asked; pairs without stored rates got the fallback. */
  | { readonly ok: false; readonly error: unknown; readonly entries: readonly FeeScheduleEntry[] };

export async function refreshFees(pairs: readonly Pair[], deps: FeeRefreshDeps): Promise<FeeRefreshResult> {
  const now = deps.clock.now();
  let table: Pick<PairTable, 'get'>;
  try {
    table = await deps.loadPairs();
  } catch (error) {
    deps.logger?.warn({ err: error }, 'fee refresh failed; keeping the stored fee schedule');
    return { ok: false, error, entries: pairs.map((pair) => storedOrFallback(pair, deps, now)) };
  }
  const entries = pairs.map((pair) => {
    let info: ReturnType<PairTable['get']>;
    try {
      info = table.get(pair);
    } catch (err) {
      deps.logger?.warn({ err, pair }, 'pair missing from AssetPairs; keeping its stored fees');
      return storedOrFallback(pair, deps, now);
    }
    return save(deps, { pair, rates: info.fees, source: info.feeSource === 'config' ? 'config' : 'venue', updatedAt: now });
  });
  deps.logger?.info({ pairs: entries.length }, 'fee schedule refreshed');
  return { ok: true, entries };
}

/** The rates to charge for a pair now: the stored schedule, or the fallback before the first refresh. */
export function feeRatesFor(fees: Pick<FeesRepo, 'get'>, fallback: FeeRates): (pair: Pair) => FeeRates {
  return (pair) => fees.get(pair)?.rates ?? fallback;
}

function storedOrFallback(pair: Pair, deps: FeeRefreshDeps, now: number): FeeScheduleEntry {
  return deps.fees.get(pair) ?? save(deps, { pair, rates: deps.fallback, source: 'config', updatedAt: now });
}

function save(deps: FeeRefreshDeps, entry: FeeScheduleEntry): FeeScheduleEntry {
  deps.fees.save(entry);
  return entry;
}
