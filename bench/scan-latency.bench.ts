/**
 * Scan latency, closed candle → risk-checked intent, for 9 and for 100 instruments (issue 8).
 * The daemon's path, not a model of it: LiveStrategy.onCandles (one batched call per candle time, as
 * actors/scanner.actors.ts makes it) into a warm Deno child running v001 built through the real gates,
 * host zod + semantic validation of every decision, then for every non-hold intent riskViewOf +
 * evaluateIntent on a ledger holding open positions, with the daemon's default config (risk limits,
 * slippage, starting balance). Accepted orders fill at once at the reference price (paper-like), outside
 * the timed section, so positions open and close and the strategy sees them.
 *
 * The contract knows 9 Kraken pairs; 100 instruments run as 12 books (11 × 9 + 1), each with its own
 * child, ledger and price series, all scanned in parallel on each candle: how the daemon would scale.
 * Run: npm run bench -- scan-latency
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { percentile } from '../src/backtest/validation/monte-carlo.ts';
import { ConfigSchema } from '../src/config/index.ts';
import { PAIRS, timeframeMs, type Candle, type Pair, type PositionView } from '../src/contract/index.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import { LiveStrategy, type ScanOutcome } from '../src/sandbox/live.ts';
import { feeFor, roundDownToLot } from '../src/trading/market-rules.ts';
import { applyFill, createLedger, equityOf, observeEquity, riskViewOf, type Ledger } from '../src/trading/portfolio.ts';
import { evaluateIntent, type RiskIntent, type RiskOrder, type RiskSettings, type RiskVerdict } from '../src/trading/risk.ts';
import { grid, pairSetup, v001Bundle } from './lib/sandbox-fixtures.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WARMUP_BARS = 2000;
const ROUNDS = 200;
const SIZES = [9, 100];
/** Positions each book holds when measuring starts (the default max is 3 open). */
const SEEDED_POSITIONS = 2;
const CONFIG = ConfigSchema.parse({});
/** A 5m candle closes (and is decided on) one step after its open time. */
const STEP_MS = timeframeMs('5m');

type Series = ReturnType<typeof grid>;

interface Book {
  /** Global series index of each pair slot. */
  readonly series: readonly number[];
  readonly pairs: readonly Pair[];
  readonly live: LiveStrategy;
  readonly ledger: Ledger;
  readonly marks: Map<Pair, number>;
  /** Orders accepted this round, filled after the timed section. */
  readonly accepted: RiskOrder[];
}

interface Tally {
  holds: number;
  invalid: number;
  intents: Record<string, number>;
  verdicts: Record<string, number>;
}

function settingsOf(pair: Pair): RiskSettings {
  const s = pairSetup(pair);
  return { limits: CONFIG.risk, rules: s.rules, fees: s.fees, slippage: CONFIG.trading.slippageFraction };
}

function positionOf(l: Ledger, pair: Pair): PositionView | null {
  const h = l.holdings[pair];
  return h ? { quantity: h.quantity, entryPrice: h.entryPrice, entryTime: h.openedAt, stopLoss: h.stopLoss, takeProfit: h.takeProfit } : null;
}

async function openBook(first: number, count: number, bundle: string): Promise<Book> {
  const pairs = PAIRS.slice(0, count);
  const ledger = createLedger(CONFIG.paper.startingBalanceUsd);
  const live = await LiveStrategy.start(
    {
      setups: pairs.map(pairSetup),
      position: (pair) => positionOf(ledger, pair),
      equity: () => ledger.lastEquity,
      startHost: (v) => StrategyHost.start({ versionId: v.id, kind: 'strategy', bundle: v.bundle }),
      warmupBars: WARMUP_BARS,
    },
    { id: 'v001', bundle },
  );
  return { series: pairs.map((_, i) => first + i), pairs, live, ledger, marks: new Map(), accepted: [] };
}

function candleAt(data: Series, series: number, step: number): Candle {
  const [o, h, l, c, v] = data.cols[series]!;
  return { time: data.time[step]!, open: o![step]!, high: h![step]!, low: l![step]!, close: c![step]!, volume: v![step]! };
}

function batchOf(book: Book, data: Series, step: number): Array<{ pair: Pair; candle: Candle }> {
  return book.pairs.map((pair, i) => ({ pair, candle: candleAt(data, book.series[i]!, step) }));
}

/** The supervisor's gate for one scan outcome: holds and invalid decisions never reach it. */
function riskCheck(book: Book, o: ScanOutcome, now: number, tally: Tally): RiskVerdict | null {
  if (!o.verdict.ok) {
    tally.invalid += 1;
    return null;
  }
  const { intent } = o.verdict;
  const d = intent.decision;
  if (d.action === 'hold') {
    tally.holds += 1;
    return null;
  }
  tally.intents[d.action] = (tally.intents[d.action] ?? 0) + 1;
  const markOf = (p: Pair): number => book.marks.get(p) ?? 0;
  const risk: RiskIntent = {
    pair: o.pair,
    action: d.action,
    sizeFraction: d.sizeFraction,
    refPrice: intent.refPrice,
    stopLoss: d.stopLoss ?? null,
    takeProfit: d.takeProfit ?? null,
  };
  const verdict = evaluateIntent(risk, riskViewOf(book.ledger, o.pair, now, markOf), settingsOf(o.pair), 'active');
  const key = verdict.verdict === 'accept' ? 'accepted' : verdict.reason;
  tally.verdicts[key] = (tally.verdicts[key] ?? 0) + 1;
  return verdict;
}

/** One book's candles → its verdicts; returns each pair's latency from `t0` to its own verdict. */
async function scanBook(book: Book, batch: Array<{ pair: Pair; candle: Candle }>, t0: number, tally: Tally): Promise<number[]> {
  for (const { pair, candle } of batch) book.marks.set(pair, candle.close);
  const outcomes = await book.live.onCandles(batch);
  return outcomes.map((o) => {
    const verdict = riskCheck(book, o, o.candleTime + STEP_MS, tally);
    if (verdict?.verdict === 'accept') book.accepted.push(verdict.order);
    return performance.now() - t0;
  });
}

/** Books each accepted order as an immediate taker fill, then marks equity (peak, UTC day). */
function settle(book: Book, time: number): void {
  for (const order of book.accepted.splice(0)) {
    const fee = feeFor(order.notional, pairSetup(order.pair).fees, 'taker');
    const id = `${order.pair}-${time}`;
    applyFill(book.ledger, {
      tradeId: id,
      clOrdId: id,
      pair: order.pair,
      side: order.side,
      price: order.refPrice,
      quantity: order.quantity,
      fee,
      liquidity: 'taker',
      time,
    });
    const held = book.ledger.holdings[order.pair];
    if (held && order.side === 'buy') [held.stopLoss, held.takeProfit] = [order.stopLoss, order.takeProfit];
  }
  observeEquity(
    book.ledger,
    time,
    equityOf(book.ledger, (p) => book.marks.get(p) ?? 0),
  );
}

/** Opens the first SEEDED_POSITIONS pairs of a book at 10 % of equity each, at the last warm-up close. */
function seedPositions(book: Book, time: number): void {
  for (const pair of book.pairs.slice(0, SEEDED_POSITIONS)) {
    const price = book.marks.get(pair)!;
    const quantity = roundDownToLot((book.ledger.lastEquity * 0.1) / price, pairSetup(pair).rules.lotDecimals);
    book.accepted.push({
      pair,
      side: 'buy',
      quantity,
      refPrice: price,
      notional: quantity * price,
      stopLoss: price * 0.98,
      takeProfit: price * 1.04,
      clampedBy: null,
      reduced: false,
    });
  }
  settle(book, time);
}

/** The daemon's boot warm-up: every stored candle goes through onCandles, decisions discarded. */
async function warmUp(books: readonly Book[], data: Series): Promise<number> {
  const t = performance.now();
  for (let step = 0; step < WARMUP_BARS; step++) {
    await Promise.all(
      books.map(async (b) => {
        const batch = batchOf(b, data, step);
        for (const { pair, candle } of batch) b.marks.set(pair, candle.close);
        await b.live.onCandles(batch);
      }),
    );
  }
  for (const b of books) seedPositions(b, data.time[WARMUP_BARS - 1]!);
  return performance.now() - t;
}

async function measure(books: readonly Book[], data: Series, tally: Tally): Promise<{ rounds: number[]; perPair: number[] }> {
  const rounds: number[] = [];
  const perPair: number[] = [];
  for (let step = WARMUP_BARS; step < WARMUP_BARS + ROUNDS; step++) {
    const batches = books.map((b) => batchOf(b, data, step));
    const t0 = performance.now();
    const lat = await Promise.all(books.map((b, i) => scanBook(b, batches[i]!, t0, tally)));
    rounds.push(performance.now() - t0);
    perPair.push(...lat.flat());
    for (const b of books) settle(b, data.time[step]!);
  }
  return { rounds, perPair };
}

function stats(xs: readonly number[], unit = 'ms', scale = 1): string {
  const s = Float64Array.from(xs, (x) => x * scale).sort();
  const f = (q: number): string => percentile(s, q).toFixed(3);
  return `p50 ${f(0.5)}  p95 ${f(0.95)}  p99 ${f(0.99)}  max ${s[s.length - 1]!.toFixed(3)} ${unit}  (n = ${s.length})`;
}

const fmt = (r: Record<string, number>): string =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** riskViewOf + evaluateIntent alone, for a buy on every pair of a book: the gate's own cost. */
function riskOnlyMicros(book: Book): number {
  const reps = 20_000;
  const t = performance.now();
  for (let i = 0; i < reps; i++) {
    const pair = book.pairs[i % book.pairs.length]!;
    const price = book.marks.get(pair)!;
    const view = riskViewOf(book.ledger, pair, 0, (p) => book.marks.get(p) ?? 0);
    evaluateIntent(
      { pair, action: 'buy', sizeFraction: 0.1, refPrice: price, stopLoss: price * 0.98, takeProfit: price * 1.04 },
      view,
      settingsOf(pair),
      'active',
    );
  }
  return ((performance.now() - t) * 1000) / reps;
}

async function runSize(n: number, bundle: string): Promise<void> {
  const groups = Math.ceil(n / PAIRS.length);
  const data = grid(WARMUP_BARS + ROUNDS, n);
  const books = await Promise.all(Array.from({ length: groups }, (_, g) => openBook(g * PAIRS.length, Math.min(PAIRS.length, n - g * PAIRS.length), bundle)));
  try {
    const warmMs = await warmUp(books, data);
    const tally: Tally = { holds: 0, invalid: 0, intents: {}, verdicts: {} };
    const { rounds, perPair } = await measure(books, data, tally);
    console.log(
      `\n${n} instruments: ${groups} book(s) × ≤ ${PAIRS.length} pairs, one warm Deno child each; warm-up ${WARMUP_BARS} bars in ${(warmMs / 1000).toFixed(2)} s; ${ROUNDS} rounds`,
    );
    console.log(`  per round (every instrument's candle → every verdict)  ${stats(rounds)}`);
    console.log(`  per pair  (its candle → its risk-checked verdict)      ${stats(perPair)}`);
    console.log(`  amortised per pair (round ÷ ${n})                       ${stats(rounds.map((r) => r / n))}`);
    console.log(`  decisions: ${tally.holds} hold, ${tally.invalid} invalid; intents to risk: ${fmt(tally.intents)} → ${fmt(tally.verdicts)}`);
    console.log(`  risk gate alone (riskViewOf + evaluateIntent, buy): ${riskOnlyMicros(books[0]!).toFixed(2)} µs per intent`);
  } finally {
    await Promise.all(books.map((b) => b.live.close()));
  }
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const event = process.env['npm_lifecycle_event'];
  return event ? `npm run ${event} -- ${args}` : `${process.argv.slice(1).join(' ')}`;
}

export default async function (): Promise<void> {
  const load = (): string =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ');
  console.log(`command: ${commandLine()}`);
  console.log(`machine: ${cpus().length} cpus (${cpus()[0]?.model ?? 'unknown'}), load average 1/5/15 min before: ${load()}`);
  console.log(
    `method: closed candle → LiveStrategy.onCandles (v001, gated bundle, warm Deno child) → zod + semantic checks → riskViewOf + evaluateIntent for non-hold intents; ${SEEDED_POSITIONS} positions open per book at the start; rounds run back to back; 100 instruments = parallel books of ≤ 9 contract pairs, each its own child, ledger and price series`,
  );
  const bundle = await v001Bundle(ROOT);
  for (const n of SIZES) await runSize(n, bundle);
  console.log(`\nload average 1/5/15 min after: ${load()}`);
}
