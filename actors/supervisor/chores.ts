/**
 * What the scheduler's slots make the daemon do (src/scheduler keeps the time, the supervisor decides):
 * the daily fee refresh (src/venues/fees-refresh.ts, the pair table reloaded), nightly candle maintenance
 * (the candle store's compaction and a back-fill of the last day's gaps), the daily self-audit and backup,
 * and at midnight the live-vs-backtest drift of the day that closed. The nightly evolution slot is the
 * orchestrator cycle child's, not a chore.
 */
import type { Logger } from 'pino';
import type { Chore, ChoreEvent } from '../../machines/supervisor.machine.ts';
import type { Clock } from '../../src/clock/clock.ts';
import type { Config } from '../../src/config/index.ts';
import type { KrakenClient } from '../../src/kraken/client.ts';
import { krakenOhlcFetcher } from '../../src/market/kraken-fetcher.ts';
import { candleDbFrom, createCandleStore } from '../../src/market/store.ts';
import { dailyAudit, dailyBackup } from '../../src/audit/daily.ts';
import type { PaperVenue } from '../../src/venues/paper.ts';
import { refreshFees } from '../../src/venues/fees-refresh.ts';
import { need, type Runtime } from '../../src/daemon/runtime.ts';
import { BrainError, toErrorInfo } from '../../src/contract/errors.ts';

const DAY_MS = 86_400_000;

export interface ChoreDeps {
  config: Config;
  client: KrakenClient;
  rt: Runtime;
  clock: Clock;
  log: Logger;
  /** The paper venue (the self-audit reads its books), null in live mode. */
  paper?: PaperVenue | null;
  /** Working directory: the backup folder resolves against it. */
  filesRoot?: string;
  /** The day's live-vs-backtest drift report (src/evolution/drift.ts) for the UTC day starting at `day`. */
  drift?: (day: number) => Promise<unknown>;
}

type ChoreResult = Omit<Extract<ChoreEvent, { type: 'chore.done' }>, 'type' | 'chore'>;

export async function runChore(d: ChoreDeps, chore: Chore, now: number): Promise<ChoreResult> {
  const { pairs } = d.config;
  const ops = () => ({
    ...d,
    paper: d.paper ?? null,
    db: need(d.rt, 'db'),
    repos: need(d.rt, 'repos'),
    ledger: need(d.rt, 'ledger'),
    filesRoot: d.filesRoot ?? '.',
  });
  if (chore === 'audit') return { audit: await dailyAudit(ops()) };
  if (chore === 'backup') {
    dailyBackup(ops());
    return {};
  }
  if (chore === 'feeRefresh') {
    const loadPairs = async () => (d.rt.table = await d.client.loadPairs());
    const r = await refreshFees(pairs, { loadPairs, fees: need(d.rt, 'repos').fees, clock: d.clock, fallback: d.config.trading.fallbackFees, logger: d.log });
    if (!r.ok)
      throw r.error instanceof BrainError
        ? r.error
        : new BrainError(`fee refresh could not read Kraken's pair table (${toErrorInfo(r.error).message}); the stored fees stay until the next refresh`, {
            domain: 'fees',
            code: 'refresh_failed',
            retryable: true,
            cause: r.error,
          });
    return { fees: Object.fromEntries(r.entries.map((e) => [e.pair, e.rates])) };
  }
  if (chore === 'drift') {
    // Midnight: the day that just closed is reconciled against its backtest replay.
    await d.drift?.(Math.floor(now / DAY_MS) * DAY_MS - DAY_MS);
    return {};
  }
  const store = createCandleStore({ db: candleDbFrom(need(d.rt, 'db')), fetcher: krakenOhlcFetcher(d.client) });
  const steps = store.compact(pairs, now);
  const tf = d.config.market.timeframe;
  let filled = 0;
  for (const pair of pairs) {
    // Only recent holes: older ones are beyond what Kraken's OHLC endpoint still serves.
    for (const gap of store.gaps(pair, tf).filter((g) => g.to > now - DAY_MS)) {
      filled += (await store.backfill(pair, tf, { from: gap.from, to: gap.to }, now)).filled;
    }
  }
  d.log.info({ compacted: steps.length, backfilled: filled }, 'candle maintenance done');
  return {};
}
