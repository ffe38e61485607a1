/**
 * The self-audit use case: one function that the daemon's daily chore, `brain audit` and (later) the chat
 * bot call. It reads the venue first (the only await), then everything else in one synchronous stretch —
 * fills, positions, orders and the daemon's booked ledger — so no fill can be booked between the reads,
 * runs the pure checks (checks.ts) and stores the report with its numbers. What a failure does (the
 * breaker to reducing, an alert) is the caller's: the supervisor decides, the CLI exits 1.
 */
import type { Pair, Timeframe } from '../contract/index.ts';
import type { AuditReportsRepo, StoredAuditReport } from '../db/audit-reports.repo.ts';
import type { Repositories } from '../db/index.ts';
import type { Ledger } from '../trading/portfolio.ts';
import { auditChecks, type BookedView } from './checks.ts';
import type { AuditVenue } from './venue.ts';

const ALL: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];

export interface AuditDeps {
  readonly mode: 'paper' | 'live';
  readonly trigger: 'schedule' | 'cli';
  readonly pairs: readonly Pair[];
  /** The candle tier whose last close weighs a base-unit difference in USD. */
  readonly timeframe: Timeframe;
  readonly repos: Pick<Repositories, 'fills' | 'positions' | 'orders' | 'candles'>;
  readonly reports: AuditReportsRepo;
  readonly venue: AuditVenue;
  /** The running daemon's ledger; null from the CLI. */
  readonly booked: (() => Ledger) | null;
  /** config paper.startingBalanceUsd (paper only: live starts from the venue's cash). */
  readonly startingCashUsd: number;
  /** config audit.toleranceUsd: the largest difference that counts as rounding. */
  readonly toleranceUsd: number;
  readonly now: () => number;
  /**
   * While orders are working (or a fill lands during the venue read) the venue and the tables can differ
   * for a moment: wait and read again, up to `attempts` times, before comparing anyway.
   */
  readonly settle?: { readonly attempts: number; readonly wait: () => Promise<void> };
}

/** What changes when an order moves: the fills stored and the orders not yet final. */
function activity(d: AuditDeps): string {
  return `${d.repos.fills.inRange(...ALL).length}|${d.repos.orders
    .open()
    .map((o) => `${o.clOrdId}:${o.status}`)
    .join(',')}`;
}

/** The venue read at a quiet moment: no order working, nothing booked while the venue answered. */
async function quietVenue(d: AuditDeps) {
  for (let attempt = 0; ; attempt++) {
    const before = activity(d);
    const venue = await d.venue.read();
    const quiet = before === activity(d) && d.repos.orders.open().length === 0;
    if (quiet || attempt >= (d.settle?.attempts ?? 0)) return venue;
    await d.settle!.wait();
  }
}

export function bookedView(l: Ledger): BookedView {
  const holdings: Partial<Record<Pair, number>> = {};
  for (const [pair, h] of Object.entries(l.holdings) as [Pair, { quantity: number }][]) holdings[pair] = h.quantity;
  return { initialCash: l.initialCash, cash: l.cash, realizedPnl: l.realizedPnl, feesPaid: l.feesPaid, holdings };
}

function lastCloses(d: AuditDeps): Partial<Record<Pair, number>> {
  const marks: Partial<Record<Pair, number>> = {};
  for (const pair of d.pairs) {
    const t = d.repos.candles.latestTime(pair, d.timeframe);
    const candle = t === null ? undefined : d.repos.candles.range(pair, d.timeframe, t, t + 1)[0];
    if (candle) marks[pair] = candle.close;
  }
  return marks;
}

export async function runAudit(d: AuditDeps): Promise<StoredAuditReport> {
  const venue = await quietVenue(d);
  // From here on nothing awaits: the tables and the booked ledger are read at one instant.
  const fills = d.repos.fills.inRange(...ALL);
  const positions = [...d.repos.positions.closedInRange(...ALL), ...d.repos.positions.open()];
  const booked = d.booked ? bookedView(d.booked()) : null;
  const checks = auditChecks({
    mode: d.mode,
    pairs: d.pairs,
    fills,
    positions,
    knownOrder: (id) => d.repos.orders.byClOrdId(id) !== undefined,
    venue,
    booked,
    startingCash: d.mode === 'paper' ? d.startingCashUsd : null,
    marks: lastCloses(d),
    toleranceUsd: d.toleranceUsd,
  });
  const report = { time: d.now(), mode: d.mode, trigger: d.trigger, passed: checks.every((c) => c.status !== 'fail'), checks };
  return { ...report, id: d.reports.save(report) };
}

/** One line per check, failures first: what `brain audit` prints and an alert quotes. */
export function formatAuditReport(r: StoredAuditReport): string {
  const order = { fail: 0, skip: 1, pass: 2 } as const;
  const lines = [...r.checks].sort((a, b) => order[a.status] - order[b.status]).map((c) => `  ${c.status.toUpperCase().padEnd(4)} ${c.name}: ${c.detail}`);
  const head = `audit #${r.id} ${new Date(r.time).toISOString()} (${r.mode}, ${r.trigger}): ${r.passed ? 'PASSED' : 'FAILED'}`;
  return [head, ...lines].join('\n');
}
