/**
 * Boot reconciliation (DESIGN inv. 4, the one path for startup and crash recovery): the venue's pair
 * rules and fees, every order not final in our table or not covered by its fills asked of the venue BY
 * cl_ord_id (recovery.ts: its status and fills written back, nothing ever resent), the ledger rebuilt from the fills table (peak from the
 * snapshots, so drawdown survives a restart), and the durable children's rows for the supervisor to
 * re-spawn through their resuming states.
 */
import type { Logger } from 'pino';
import type { BootState } from '../../machines/supervisor.machine.ts';
import { BREAKER_ACTOR_ID, BREAKER_MACHINE_VERSION, type BreakerRecord } from '../../machines/breaker.machine.ts';
import { POSITION_MACHINE_VERSION, type PositionRecord } from '../../machines/position.machine.ts';
import { ORDER_STATUSES, type FeeRates, type Pair, type PairRules, type Timeframe } from '../../src/contract/index.ts';
import type { Repositories } from '../../src/db/index.ts';
import type { PairTable } from '../../src/kraken/pairs.ts';
import { upgradedFillId } from '../../src/trading/fill-id.ts';
import { applyFill, createLedger, type Ledger } from '../../src/trading/portfolio.ts';
import type { Venue } from '../../src/trading/venue.ts';
import type { PaperVenue } from '../../src/venues/paper.ts';
import { newIdPrefix } from '../../src/daemon/ids.ts';
import { recordFill } from './journal.ts';
import { recoverFills, type RecoveryReport } from './recovery.ts';

export interface ReconcileDeps {
  pairs: readonly Pair[];
  table: PairTable;
  repos: Repositories;
  venue: Venue;
  /** Paper mode: the venue is rebuilt from our own orders and fills first. */
  paper: PaperVenue | null;
  /** Paper: the configured starting balance (`initial`); live: the USD balance the venue reports now (`current`). */
  cash: { kind: 'initial' | 'current'; usd: number };
  fallbackFees: FeeRates;
  slippage: number;
  strategyVersion: string;
  now: number;
  log: Logger;
  /** The trading timeframe: the newest stored candle of each pair is where the live line must continue. */
  timeframe?: Timeframe;
}

const ALL_TIME: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];

/** Boot: every order to recover is asked of the venue by cl_ord_id; its fills are written before the ledger is rebuilt. */
export async function reconcileOrders(repos: Repositories, venue: Venue, now: number, log: Logger): Promise<RecoveryReport> {
  return recoverFills({ repos, venue, now: () => now, log }, (f) => recordFill(repos, f), true);
}

/**
 * The ledger from every recorded fill, oldest first; the peak is the highest ever persisted. With the
 * venue's CURRENT cash (live), the start is chosen so that replaying our fills lands on it.
 */
export function ledgerFromFills(repos: Pick<Repositories, 'fills' | 'snapshots'>, startingCash: number, cashIs: 'initial' | 'current' = 'initial'): Ledger {
  if (cashIs === 'current') startingCash -= ledgerFromFills(repos, 0).cash;
  const ledger = createLedger(startingCash);
  for (const f of repos.fills.inRange(...ALL_TIME)) applyFill(ledger, f);
  ledger.peakEquity = Math.max(ledger.peakEquity, repos.snapshots.peakEquity() ?? 0);
  return ledger;
}

/** The trade ids the rebuilt ledger holds, so a fill heard or found again after a restart is not booked twice. */
export function bookedTradeIds(repos: Repositories): string[] {
  return repos.fills.inRange(...ALL_TIME).map((f) => f.tradeId);
}

/**
 * A position persisted before fills were keyed by pair remembers its fills by the bare trade number; the
 * venue now names them `<pair>:<number>` (the fills table was migrated the same way), so its fills are
 * brought to today's key, or a fill found again would look new to the position and be counted twice.
 */
export function withUpgradedFillIds(record: PositionRecord): PositionRecord {
  const fills = record.context.fills.map((f) => ({ ...f, tradeId: upgradedFillId(f.pair, f.tradeId) }));
  return { ...record, context: { ...record.context, fills } };
}

/** Durable rows whose machine version still matches; an older shape is reported, not resumed. */
export function durableRecords(repos: Repositories, log: Logger): { positions: PositionRecord[]; breaker: BreakerRecord | null } {
  const positions: PositionRecord[] = [];
  for (const r of repos.machineSnapshots.list('position')) {
    if (r.machineVersion === POSITION_MACHINE_VERSION) positions.push(withUpgradedFillIds(r.snapshot as PositionRecord));
    else log.error({ actorId: r.actorId, version: r.machineVersion }, 'position snapshot of another machine version: not resumed, reconcile it by hand');
  }
  const b = repos.machineSnapshots.get(BREAKER_ACTOR_ID);
  const breaker = b && b.machineVersion === BREAKER_MACHINE_VERSION ? (b.snapshot as BreakerRecord) : null;
  return { positions, breaker };
}

function storedUntil(repos: Repositories, pairs: readonly Pair[], timeframe: Timeframe): Partial<Record<Pair, number>> {
  const times: Partial<Record<Pair, number>> = {};
  for (const pair of pairs) {
    const t = repos.candles.latestTime(pair, timeframe);
    if (t !== null) times[pair] = t;
  }
  return times;
}

export async function reconcileAtBoot(d: ReconcileDeps): Promise<BootState> {
  const rules: Partial<Record<Pair, PairRules>> = {};
  const fees: Partial<Record<Pair, FeeRates>> = {};
  for (const pair of d.pairs) {
    const info = d.table.get(pair);
    rules[pair] = info.rules;
    fees[pair] = info.fees;
  }
  d.paper?.restore(d.repos.orders.byStatus(...ORDER_STATUSES), d.repos.fills.inRange(...ALL_TIME));
  const recovered = await reconcileOrders(d.repos, d.venue, d.now, d.log);
  const ledger = ledgerFromFills(d.repos, d.cash.usd, d.cash.kind);
  const { positions, breaker } = durableRecords(d.repos, d.log);
  const holdings = Object.fromEntries(Object.values(ledger.holdings).map((h) => [h!.pair, h!.quantity]));
  d.log.info(
    { ...recovered, positions: positions.length, breaker: breaker?.value ?? 'new', cash: ledger.cash, holdings },
    'reconciled orders and fills with the venue',
  );
  return {
    now: d.now,
    settings: { rules, fees, fallbackFees: d.fallbackFees, slippage: d.slippage },
    ledger,
    bookedTradeIds: bookedTradeIds(d.repos),
    positions,
    breaker,
    strategyVersion: d.strategyVersion,
    idPrefix: newIdPrefix(d.repos),
    ...(d.timeframe ? { candleTimes: storedUntil(d.repos, d.pairs, d.timeframe) } : {}),
  };
}
