/**
 * /metrics: one prom-client registry per daemon (never the global one, so tests can run several), the
 * process defaults (CPU, memory, GC, event-loop lag) plus the daemon's own `tb_*` series. Counters move
 * from what the daemon already says — the supervisor's emitted events and the inspection stream of its
 * actor tree (observe.ts calls `onEmitted` / `onInspected`) — never from calls sprinkled through the code.
 * Gauges and the model/evolver totals are read at scrape time from the supervisor's snapshot and the
 * database. Labels come from closed sets (pairs, sides, reasons named in code), so cardinality is bounded.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/index.ts';
import type { BreakerLevel } from '../trading/breaker.ts';

/** What the scrape-time gauges read from the supervisor. */
export interface DaemonView {
  breaker: BreakerLevel;
  equity: number;
  peakEquity: number;
  openPositions: number;
}

export interface MetricsSources {
  /** The supervisor's figures now, or null before boot has adopted the ledger. */
  daemon: () => DaemonView | null;
  /** The daemon's open database, or undefined (booting, stopped). */
  db: () => Db | undefined;
}

const BREAKER_VALUE: Record<BreakerLevel, number> = { active: 0, reducing: 1, halted: 2 };

type Row = Record<string, number | null>;

function read(sources: MetricsSources, sql: string): Row[] {
  const db = sources.db();
  if (!db) return [];
  try {
    return db.prepare(sql).all<Row>();
  } catch {
    // A scrape must never fail the daemon: a table missing from an older schema reads as no rows.
    return [];
  }
}

/** Sets a counter to a total kept elsewhere (a table): monotonic there, so still a counter here. */
function setTotal<T extends string>(c: Counter<T>, labels: Partial<Record<T, string>>, value: number): void {
  c.inc(labels, Math.max(0, value));
}

export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  /** A gauge read from the supervisor at scrape time; absent until boot has adopted the ledger. */
  const daemonGauge = (name: string, help: string, value: (d: DaemonView) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const d = sources.daemon();
        if (d) this.set(value(d));
      },
    });
  /** A counter whose totals a table keeps: one SQL row, one column per label value (or one column, no label). */
  const tableTotals = (name: string, help: string, label: string | null, sql: string, columns: readonly string[]) =>
    new Counter({
      name,
      help,
      labelNames: label ? [label] : [],
      registers,
      collect() {
        const row = read(sources, sql)[0] ?? {};
        this.reset();
        for (const c of columns) setTotal(this, label ? { [label]: c } : {}, row[c] ?? 0);
      },
    });
  const m = {
    registry,
    candles: new Counter({
      name: 'tb_candles_total',
      help: 'Closed candles the supervisor received from the market feed',
      labelNames: ['pair'] as const,
      registers,
    }),
    scanSeconds: new Histogram({
      name: 'tb_scan_duration_seconds',
      help: "Time the sandboxed strategy took to decide on one closed candle (the scanner's evaluate)",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    scanFailures: new Counter({
      name: 'tb_scan_failures_total',
      help: 'Scans that produced no decision (sandbox error, invalid decision, record failure)',
      labelNames: ['stage'] as const,
      registers,
    }),
    intents: new Counter({
      name: 'tb_intents_total',
      help: 'Non-hold intents routed by the supervisor, by action and outcome',
      labelNames: ['action', 'outcome'] as const,
      registers,
    }),
    rejections: new Counter({
      name: 'tb_intent_rejections_total',
      help: 'Intents refused by the risk gate, the breaker or the supervisor, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    orders: new Counter({
      name: 'tb_orders_total',
      help: 'Orders sent to the venue, by side and result (accepted, rejected, unknown_outcome)',
      labelNames: ['side', 'result'] as const,
      registers,
    }),
    fills: new Counter({
      name: 'tb_fills_total',
      help: 'Fills booked on the ledger, by side and liquidity',
      labelNames: ['side', 'liquidity'] as const,
      registers,
    }),
    reconnects: new Counter({
      name: 'tb_feed_reconnects_total',
      help: 'Times a WebSocket feed came back after being down',
      labelNames: ['endpoint'] as const,
      registers,
    }),
    feedUp: new Gauge({ name: 'tb_feed_up', help: 'Whether the WebSocket feed is connected (1) or down (0)', labelNames: ['endpoint'] as const, registers }),
    alerts: new Counter({ name: 'tb_alerts_total', help: 'Operator alerts the supervisor raised (failed chores, child errors, audit failures)', registers }),
    breaker: daemonGauge(
      'tb_breaker_level',
      'Circuit breaker level: 0 active, 1 reducing (entries halved), 2 halted (no entries)',
      (d) => BREAKER_VALUE[d.breaker],
    ),
    equity: daemonGauge('tb_equity_usd', 'Equity marked to market, USD', (d) => d.equity),
    drawdown: daemonGauge('tb_drawdown_ratio', 'Drawdown from peak equity (0..1)', (d) =>
      d.peakEquity > 0 ? Math.max(0, (d.peakEquity - d.equity) / d.peakEquity) : 0,
    ),
    openPositions: daemonGauge('tb_open_positions', 'Positions open or working', (d) => d.openPositions),
    tokens: tableTotals(
      'tb_model_tokens_total',
      'Model tokens spent by the orchestrator, by kind (from the token_usage table; 0 until the orchestrator runs)',
      'kind',
      'SELECT SUM(input_tokens) input, SUM(output_tokens) output, SUM(cache_read_tokens) cache_read, SUM(cache_write_tokens) cache_write FROM token_usage',
      ['input', 'output', 'cache_read', 'cache_write'],
    ),
    costUsd: tableTotals(
      'tb_model_cost_usd_total',
      'USD spent on model calls (from the token_usage table; 0 until the orchestrator runs)',
      null,
      'SELECT SUM(cost_usd) usd FROM token_usage',
      ['usd'],
    ),
    modelCalls: tableTotals(
      'tb_model_calls_total',
      'Model calls by prompt-cache outcome: hit = read from the cache (from the token_usage table)',
      'cache',
      'SELECT SUM(cache_read_tokens > 0) hit, SUM(cache_read_tokens = 0) miss FROM token_usage',
      ['hit', 'miss'],
    ),
    candidates: tableTotals(
      'tb_evolver_candidates_total',
      'Candidates the evolution pipeline took in (evolver, model, person), by verdict so far: pending (in the pipeline or a paper test), passed, refused, duplicate, cancelled (from the candidate_ledger table; 0 until the first candidate)',
      'result',
      `SELECT SUM(verdict = 'pending') pending, SUM(verdict = 'passed') passed, SUM(verdict = 'refused') refused, SUM(verdict = 'duplicate') duplicate, SUM(verdict = 'cancelled') cancelled
       FROM candidate_ledger WHERE evaluated_by = 'pipeline'`,
      ['pending', 'passed', 'refused', 'duplicate', 'cancelled'],
    ),
    auditPassed: new Gauge({
      name: 'tb_audit_passed',
      help: 'Whether the latest self-audit passed (1) or failed (0); also 0 before the first audit, when tb_audit_last_timestamp_seconds is 0',
      registers,
      collect() {
        const r = read(sources, 'SELECT passed FROM audit_reports ORDER BY time DESC, id DESC LIMIT 1')[0];
        if (r) this.set(r['passed'] ?? 0);
      },
    }),
    auditTime: new Gauge({
      name: 'tb_audit_last_timestamp_seconds',
      help: 'When the latest self-audit ran (unix seconds); 0 = never',
      registers,
      collect() {
        const r = read(sources, 'SELECT time FROM audit_reports ORDER BY time DESC, id DESC LIMIT 1')[0];
        if (r) this.set((r['time'] ?? 0) / 1000);
      },
    }),
    backupTime: new Gauge({
      name: 'tb_backup_last_success_timestamp_seconds',
      help: 'When the newest database backup was completed (unix seconds; at start, the newest file in backup.dir); 0 = none',
      registers,
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
