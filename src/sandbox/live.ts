/**
 * Live scanning with one warm child per active version, and the hot swap between versions.
 * The host keeps candle history and positions; the child keeps only the strategy's incremental state,
 * rebuilt by replaying the last N candles whenever a child is new (start, restart, swap). All work runs
 * through one queue, so a candle arriving during a swap is scanned by exactly one version: no candle
 * is missed and none is scanned twice. Positions never move: they live in the host.
 */
import type { Candle } from '../contract/candle.ts';
import type { Pair } from '../contract/pairs.ts';
import type { PositionView } from '../contract/strategy.ts';
import { SandboxError } from './errors.ts';
import { CandleHistory } from './history.ts';
import type { StrategyHost } from './host/strategy-host.ts';
import type { BarsItem, PairSetup } from './protocol.ts';
import { checkDecision, DEFAULT_SEMANTIC_LIMITS, type SemanticLimits, type Verdict } from './validate.ts';

export interface LiveDeps {
  setups: readonly PairSetup[];
  /** The host's position for a pair (null when flat). */
  position(pair: Pair): PositionView | null;
  equity(): number;
  startHost(version: { id: string; bundle: string }): Promise<StrategyHost>;
  /** Candles replayed into a fresh child (and kept in the host). */
  warmupBars?: number;
  semantic?: SemanticLimits;
}

export interface ScanOutcome {
  pair: Pair;
  candleTime: number;
  versionId: string;
  verdict: Verdict;
}

export class LiveStrategy {
  private queue: Promise<unknown> = Promise.resolve();
  private warmGeneration = -1;
  private readonly history: CandleHistory;
  private readonly warmupBars: number;

  private constructor(
    private readonly deps: LiveDeps,
    private host: StrategyHost,
  ) {
    this.warmupBars = deps.warmupBars ?? 2000;
    this.history = new CandleHistory(this.warmupBars);
  }

  static async start(deps: LiveDeps, version: { id: string; bundle: string }): Promise<LiveStrategy> {
    return new LiveStrategy(deps, await deps.startHost(version));
  }

  get activeVersion(): string {
    return this.host.versionId;
  }

  /** Closed candles (at most one per pair) → one validated verdict per pair. */
  onCandles(candles: ReadonlyArray<{ pair: Pair; candle: Candle }>): Promise<ScanOutcome[]> {
    return this.enqueue(async () => {
      for (const { pair, candle } of candles) this.history.append(pair, candle);
      await this.ensureWarm(this.host, candles.length > 0 ? new Set(candles.map((c) => c.pair)) : new Set());
      return this.scan(candles);
    });
  }

  /**
   * Stored candles (the history a restart finds) kept in the host without deciding on them: the child
   * replays them on its next warm-up, where no decision is asked. Deciding on history would judge each
   * old candle against TODAY's position (open since a later time, so invisible to the bar) and count a
   * refused "buy while long" against the version for every candle a restart with a position replays.
   */
  remember(candles: ReadonlyArray<{ pair: Pair; candle: Candle }>): Promise<void> {
    return this.enqueue(async () => {
      for (const { pair, candle } of candles) this.history.append(pair, candle);
      this.warmGeneration = -1;
    });
  }

  /**
   * Hot swap: start the new child, warm it on the host's history, run `commit` (the DB pointer switch),
   * then make it active and stop the old one. Any failure before `commit` leaves the incumbent running.
   */
  swap(version: { id: string; bundle: string }, commit: () => void = () => undefined): Promise<void> {
    return this.enqueue(async () => {
      const next = await this.deps.startHost(version);
      try {
        await this.warm(next, new Set());
        commit();
      } catch (err) {
        await next.close();
        throw err;
      }
      const old = this.host;
      this.host = next;
      this.warmGeneration = next.generation;
      await old.close();
    });
  }

  close(): Promise<void> {
    return this.enqueue(() => this.host.close());
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async ensureWarm(host: StrategyHost, pending: Set<Pair>): Promise<void> {
    if (this.warmGeneration === host.generation) return;
    await this.warm(host, pending);
    this.warmGeneration = host.generation;
  }

  /** init + replay of the history, leaving out the newest candle of pairs in `pending` (scanned next). */
  private async warm(host: StrategyHost, pending: Set<Pair>): Promise<void> {
    // A version trades with its declared defaults unless the setup overrides them, as a backtest does (inv. 1).
    const defaults = 'params' in host.meta ? Object.fromEntries(Object.entries(host.meta.params).map(([k, spec]) => [k, spec.default])) : {};
    const pairs = this.deps.setups.map((s) => ({ ...s, params: { ...defaults, ...s.params } }));
    await host.call({ kind: 'init', pairs, historyCap: this.warmupBars + 16 }, undefined, 'control');
    const items: BarsItem[] = [];
    const parts: Float64Array[] = [];
    for (const s of this.deps.setups) {
      const skip = pending.has(s.pair) ? 1 : 0;
      const n = Math.max(0, this.history.length(s.pair) - skip);
      if (n === 0) continue;
      items.push({ pair: s.pair, n, position: this.deps.position(s.pair), equity: this.deps.equity(), decide: false });
      parts.push(this.history.pack(s.pair, n, skip));
    }
    if (items.length > 0) await host.call({ kind: 'bars', items }, concat(parts), 'control');
  }

  private async scan(candles: ReadonlyArray<{ pair: Pair; candle: Candle }>): Promise<ScanOutcome[]> {
    if (candles.length === 0) return [];
    const items: BarsItem[] = candles.map(({ pair }) => ({ pair, n: 1, position: this.deps.position(pair), equity: this.deps.equity(), decide: true }));
    const host = this.host;
    const verdictFor = (pair: Pair, candle: Candle, raw: unknown): ScanOutcome => ({
      pair,
      candleTime: candle.time,
      versionId: host.versionId,
      verdict: checkDecision(
        raw,
        { pair, candleTime: candle.time, refPrice: candle.close, strategyVersion: host.versionId, isLong: this.deps.position(pair) !== null },
        this.deps.semantic ?? DEFAULT_SEMANTIC_LIMITS,
      ),
    });
    let reply: Record<string, unknown>;
    try {
      reply = await host.call({ kind: 'bars', items }, concat(candles.map(({ pair }) => this.history.pack(pair, 1))), 'scan');
    } catch (err) {
      const message = err instanceof SandboxError ? err.message : String(err);
      return candles.map(({ pair, candle }) => ({
        pair,
        candleTime: candle.time,
        versionId: host.versionId,
        verdict: { ok: false, reason: 'guest_error', message },
      }));
    }
    const decisions = Array.isArray(reply['decisions']) ? (reply['decisions'] as Array<{ decision?: unknown }>) : [];
    if (decisions.length !== candles.length) host.reportInvalidOutput(`expected ${candles.length} decisions, got ${decisions.length}`);
    return candles.map(({ pair, candle }, i) => {
      const outcome = verdictFor(pair, candle, decisions[i]?.decision);
      if (!outcome.verdict.ok) host.reportInvalidOutput(outcome.verdict.message);
      return outcome;
    });
  }
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
