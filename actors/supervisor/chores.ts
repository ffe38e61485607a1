/**
 * What the scheduler's slots and the strategy pointer make the daemon do (src/scheduler keeps the time,
 * the supervisor decides): the daily fee refresh (src/venues/fees-refresh.ts, the pair table reloaded),
 * nightly candle maintenance (the candle store's compaction and a back-fill of the last day's gaps), and
 * the strategy hot swap: when deploy/rollback moves the active pointer, the live host swaps to the new
 * version (warm before it takes over; a failure keeps the incumbent, inv. 5) and the supervisor hears
 * strategy.activated. The pointer is read on the clock, so a deploy from the CLI (another process) counts too.
 */
import type { Logger } from 'pino';
import type { EventSource } from '../supervisor.actors.ts';
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
}

type ChoreResult = Omit<Extract<ChoreEvent, { type: 'chore.done' }>, 'type' | 'chore'>;

export async function runChore(d: ChoreDeps, chore: Chore, now: number): Promise<ChoreResult> {
  const { pairs } = d.config;
  const ops = () => ({ ...d, paper: d.paper ?? null, db: need(d.rt, 'db'), repos: need(d.rt, 'repos'), ledger: need(d.rt, 'ledger'), filesRoot: d.filesRoot ?? '.' });
  if (chore === 'audit') return { audit: await dailyAudit(ops()) };
  if (chore === 'backup') {
    dailyBackup(ops());
    return {};
  }
  if (chore === 'feeRefresh') {
    const loadPairs = async () => (d.rt.table = await d.client.loadPairs());
    const r = await refreshFees(pairs, { loadPairs, fees: need(d.rt, 'repos').fees, clock: d.clock, fallback: d.config.trading.fallbackFees, logger: d.log });
    if (!r.ok) throw r.error instanceof Error ? r.error : new Error(String(r.error));
    return { fees: Object.fromEntries(r.entries.map((e) => [e.pair, e.rates])) };
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

export interface StrategyWatchDeps {
  rt: Runtime;
  clock: Clock;
  log: Logger;
  /** How often the active pointer is read (default one minute). */
  intervalMs?: number;
}

export function strategyWatch(d: StrategyWatchDeps): EventSource {
  return (send) => {
    let timer: unknown;
    let stopped = false;
    const refused = new Set<string>();
    const check = async (): Promise<void> => {
      const store = need(d.rt, 'versions');
      const pointer = store.repo.active('strategy');
      if (!pointer || pointer.versionId === d.rt.strategyVersion || refused.has(pointer.versionId)) return;
      const version = store.get(pointer.versionId);
      try {
        await need(d.rt, 'strategy').swap({ id: version.id, bundle: version.bundle });
      } catch (err) {
        refused.add(version.id);
        d.log.error({ err, versionId: version.id }, 'strategy swap failed; the incumbent keeps trading');
        send({ type: 'strategy.swapFailed', versionId: version.id, message: err instanceof Error ? err.message : String(err) });
        return;
      }
      d.rt.strategyVersion = version.id;
      d.log.info({ versionId: version.id, label: version.label }, 'strategy swapped: effective at the next candle');
      send({ type: 'strategy.activated', versionId: version.id });
    };
    const tick = (): void => {
      void check().finally(() => {
        if (!stopped) timer = d.clock.setTimeout(tick, d.intervalMs ?? 60_000);
      });
    };
    tick();
    return () => {
      stopped = true;
      d.clock.clearTimeout(timer);
    };
  };
}
