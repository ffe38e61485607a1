/**
 * The self-audit's checks, pure: three records of the same money must agree — the fills (what the venue
 * executed, replayed through the one ledger of src/trading), the ledger the supervisor booked, and the
 * positions rows — and they must agree with the venue's balances. Plus the invariants that no code path
 * may break: no short and no margin (DESIGN inv. 8), no order at the venue without its intent row
 * (inv. 4), fees that add up. Each check carries the numbers it compared.
 */
import type { AuditCheck } from '../db/audit-reports.repo.ts';
import type { Fill, Pair, Position } from '../contract/index.ts';
import { AccountingError, applyFill, createLedger, type Ledger } from '../trading/portfolio.ts';

/** What the venue reports: USD, base units per traded pair, and every order still open there. */
export interface VenueState {
  readonly usd: number;
  readonly base: Partial<Record<Pair, number>>;
  /** Asset codes with a negative balance (a debt: margin or a venue error). */
  readonly negative: readonly string[];
  readonly openOrders: ReadonlyArray<{ venueOrderId: string; clOrdId: string | null }>;
}

/** The supervisor's ledger as booked, reduced to the figures compared. */
export interface BookedView {
  readonly initialCash: number;
  readonly cash: number;
  readonly realizedPnl: number;
  readonly feesPaid: number;
  readonly holdings: Partial<Record<Pair, number>>;
}

export interface AuditSnapshot {
  readonly mode: 'paper' | 'live';
  readonly pairs: readonly Pair[];
  /** Every stored fill, oldest first. */
  readonly fills: readonly Fill[];
  /** Every positions row, open and closed. */
  readonly positions: readonly Position[];
  readonly knownOrder: (clOrdId: string) => boolean;
  readonly venue: VenueState;
  /** The running daemon's ledger; null from the CLI (the next boot rebuilds it from the fills). */
  readonly booked: BookedView | null;
  /** Paper: the configured starting balance. Live: null (the venue's cash at boot is the base). */
  readonly startingCash: number | null;
  /** USD per base unit, to weigh a quantity difference; a pair without a mark is compared by quantity. */
  readonly marks: Partial<Record<Pair, number>>;
  readonly toleranceUsd: number;
}

/** Relative size of a fee that can only be a units error (Kraken's highest taker fee is 0.4 %). */
const MAX_FEE_RATE = 0.01;
const QTY_EPS = 1e-9;

export interface Rebuild {
  readonly ledger: Ledger;
  readonly startingCash: number;
  readonly lowestCash: number;
  /** The first fill the one ledger refused (a sell of more than held, or a malformed fill). */
  readonly refused: { tradeId: string; message: string } | null;
}

/** Cash that the fills moved, net: what a live ledger subtracts from the venue's cash to find its start. */
function cashFlow(fills: readonly Fill[]): number {
  return fills.reduce((s, f) => s + (f.side === 'buy' ? -(f.price * f.quantity + f.fee) : f.price * f.quantity - f.fee), 0);
}

export function rebuildFromFills(s: AuditSnapshot): Rebuild {
  const startingCash = s.startingCash ?? s.booked?.initialCash ?? s.venue.usd - cashFlow(s.fills);
  const ledger = createLedger(startingCash);
  let lowestCash = startingCash;
  for (const f of s.fills) {
    try {
      applyFill(ledger, f);
    } catch (err) {
      if (!(err instanceof AccountingError)) throw err;
      return { ledger, startingCash, lowestCash, refused: { tradeId: f.tradeId, message: err.message } };
    }
    lowestCash = Math.min(lowestCash, ledger.cash);
  }
  return { ledger, startingCash, lowestCash, refused: null };
}

const held = (l: Ledger, pair: Pair) => l.holdings[pair]?.quantity ?? 0;
const usd = (n: number) => `${n.toFixed(2)} USD`;
/** A quantity without float noise (0.06, not 0.060000000000000005). */
const qty = (n: number) => String(Number(n.toPrecision(10)));

function check(name: string, failures: readonly string[], ok: string, numbers: Record<string, number>): AuditCheck {
  return failures.length === 0 ? { name, status: 'pass', detail: ok, numbers } : { name, status: 'fail', detail: failures.join('; '), numbers };
}

/** A quantity difference in USD at the pair's mark (in base units when there is none). */
function weigh(s: AuditSnapshot, pair: Pair, diff: number): number {
  return Math.abs(diff) * (s.marks[pair] ?? 1);
}

function tooFar(s: AuditSnapshot, pair: Pair, diff: number): boolean {
  return Math.abs(diff) > QTY_EPS && weigh(s, pair, diff) > s.toleranceUsd;
}

export function fillsVsPositions(s: AuditSnapshot, r: Rebuild): AuditCheck {
  const rowsPnl = s.positions.reduce((sum, p) => sum + p.realizedPnl, 0);
  const rowsFees = s.positions.reduce((sum, p) => sum + p.entryFees + p.exitFees, 0);
  const failures: string[] = [];
  const pnlDiff = r.ledger.realizedPnl - rowsPnl;
  if (Math.abs(pnlDiff) > s.toleranceUsd)
    failures.push(`realised P&L from the fills is ${usd(r.ledger.realizedPnl)} but the positions rows sum to ${usd(rowsPnl)}`);
  if (Math.abs(r.ledger.feesPaid - rowsFees) > s.toleranceUsd)
    failures.push(`fees in the fills are ${usd(r.ledger.feesPaid)} but the positions rows hold ${usd(rowsFees)}`);
  for (const pair of s.pairs) {
    const open = s.positions.filter((p) => p.pair === pair && p.status !== 'closed').reduce((sum, p) => sum + p.quantity, 0);
    if (tooFar(s, pair, held(r.ledger, pair) - open))
      failures.push(`${pair}: the fills leave ${qty(held(r.ledger, pair))} held but the open positions hold ${qty(open)}`);
  }
  return check('pnl.fillsVsPositions', failures, 'realised P&L, fees and open quantities from the fills equal the positions rows', {
    fillsRealizedPnl: r.ledger.realizedPnl,
    positionsRealizedPnl: rowsPnl,
    fillsFees: r.ledger.feesPaid,
    positionsFees: rowsFees,
    fills: s.fills.length,
    positions: s.positions.length,
  });
}

export function fillsVsBooked(s: AuditSnapshot, r: Rebuild): AuditCheck {
  const b = s.booked;
  if (!b)
    return {
      name: 'ledger.fillsVsBooked',
      status: 'skip',
      detail: 'no running daemon here: its ledger is rebuilt from the fills at the next boot; the daily audit inside the daemon compares it',
      numbers: {},
    };
  const failures: string[] = [];
  const pairs = [
    ['cash', r.ledger.cash, b.cash],
    ['realised P&L', r.ledger.realizedPnl, b.realizedPnl],
    ['fees', r.ledger.feesPaid, b.feesPaid],
  ] as const;
  for (const [what, fromFills, booked] of pairs) {
    if (Math.abs(fromFills - booked) > s.toleranceUsd)
      failures.push(
        `${what} from the stored fills is ${usd(fromFills)} but the daemon booked ${usd(booked)}: a fill is missing from or extra in the fills table`,
      );
  }
  for (const pair of s.pairs) {
    const diff = held(r.ledger, pair) - (b.holdings[pair] ?? 0);
    if (tooFar(s, pair, diff)) failures.push(`${pair}: the stored fills hold ${qty(held(r.ledger, pair))} but the daemon booked ${qty(b.holdings[pair] ?? 0)}`);
  }
  return check('ledger.fillsVsBooked', failures, "the daemon's booked ledger equals the ledger rebuilt from the stored fills", {
    fillsCash: r.ledger.cash,
    bookedCash: b.cash,
    fillsRealizedPnl: r.ledger.realizedPnl,
    bookedRealizedPnl: b.realizedPnl,
    fillsFees: r.ledger.feesPaid,
    bookedFees: b.feesPaid,
  });
}

export function balancesVsVenue(s: AuditSnapshot, r: Rebuild): AuditCheck {
  const failures: string[] = [];
  const numbers: Record<string, number> = { venueUsd: s.venue.usd, ledgerCash: r.ledger.cash };
  // Live without the daemon: the start was derived from the venue's cash, so comparing cash would prove nothing.
  const cashComparable = s.mode === 'paper' || s.booked !== null;
  if (cashComparable && Math.abs(r.ledger.cash - s.venue.usd) > s.toleranceUsd) {
    failures.push(`USD: the ledger from the fills has ${usd(r.ledger.cash)} but the venue reports ${usd(s.venue.usd)}`);
  }
  for (const pair of s.pairs) {
    const atVenue = s.venue.base[pair] ?? 0;
    numbers[`venue:${pair}`] = atVenue;
    numbers[`ledger:${pair}`] = held(r.ledger, pair);
    if (tooFar(s, pair, atVenue - held(r.ledger, pair))) {
      failures.push(
        `${pair}: the fills leave ${qty(held(r.ledger, pair))} held but the venue reports ${qty(atVenue)} (${usd(weigh(s, pair, atVenue - held(r.ledger, pair)))} apart); the account must hold only what the brain bought`,
      );
    }
  }
  const ok = cashComparable
    ? 'USD and every base balance at the venue equal the ledger from the fills'
    : "every base balance equals the ledger from the fills (live USD is compared by the daemon's own audit)";
  return check('balances.venue', failures, ok, numbers);
}

export function noShort(s: AuditSnapshot, r: Rebuild): AuditCheck {
  const failures: string[] = [];
  if (r.refused) failures.push(`fill ${r.refused.tradeId} cannot be booked: ${r.refused.message}`);
  for (const pair of s.pairs)
    if ((s.venue.base[pair] ?? 0) < -QTY_EPS) failures.push(`${pair}: the venue reports a negative base balance ${s.venue.base[pair]}`);
  return check('invariant.noShort', failures, 'no fill sells more than was held and no base balance is negative', { fills: s.fills.length });
}

export function noMargin(s: AuditSnapshot, r: Rebuild): AuditCheck {
  const failures: string[] = [];
  if (r.lowestCash < -s.toleranceUsd)
    failures.push(`the fills spend more cash than there was: lowest cash ${usd(r.lowestCash)} from a start of ${usd(r.startingCash)}`);
  if (s.venue.negative.length > 0) failures.push(`the venue reports negative balances in ${s.venue.negative.join(', ')}: a debt the brain must never take`);
  return check('invariant.noMargin', failures, 'cash never went below zero and the venue holds no debt', {
    lowestCash: r.lowestCash,
    startingCash: r.startingCash,
  });
}

export function ordersHaveIntents(s: AuditSnapshot): AuditCheck {
  const orphans = s.venue.openOrders.filter((o) => o.clOrdId === null || !s.knownOrder(o.clOrdId));
  const failures = orphans.map(
    (o) => `open order ${o.venueOrderId} at the venue (cl_ord_id ${o.clOrdId ?? 'none'}) has no intent row: cancel it at the venue or find who placed it`,
  );
  return check('invariant.ordersHaveIntents', failures, 'every order open at the venue has its intent row', {
    venueOpenOrders: s.venue.openOrders.length,
    orphans: orphans.length,
  });
}

export function feesAddUp(s: AuditSnapshot, r: Rebuild): AuditCheck {
  const failures: string[] = [];
  const sum = s.fills.reduce((t, f) => t + f.fee, 0);
  if (s.booked && Math.abs(sum - s.booked.feesPaid) > s.toleranceUsd)
    failures.push(`the fills' fees sum to ${usd(sum)} but the daemon booked ${usd(s.booked.feesPaid)}`);
  if (Math.abs(sum - r.ledger.feesPaid) > s.toleranceUsd) failures.push(`the fills' fees sum to ${usd(sum)} but their replay booked ${usd(r.ledger.feesPaid)}`);
  for (const f of s.fills) {
    if (f.fee > f.price * f.quantity * MAX_FEE_RATE)
      failures.push(`fill ${f.tradeId} pays ${f.fee} on ${usd(f.price * f.quantity)}: above ${MAX_FEE_RATE * 100} % is a units error`);
  }
  return check('invariant.feesAddUp', failures, 'the fees of the fills, their replay and the booked ledger agree, and none is out of scale', {
    fillFees: sum,
    replayFees: r.ledger.feesPaid,
  });
}

/** Every check, in report order. */
export function auditChecks(s: AuditSnapshot): AuditCheck[] {
  const r = rebuildFromFills(s);
  return [fillsVsPositions(s, r), fillsVsBooked(s, r), balancesVsVenue(s, r), noShort(s, r), noMargin(s, r), ordersHaveIntents(s), feesAddUp(s, r)];
}
