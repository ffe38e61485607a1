/**
 * Real actors for machines/scanner.machine.ts: the live scan in the sandbox (src/sandbox/live.ts) and the
 * scan_results / signals rows. One scanner per pair asks for its own candle, but the scans of one candle
 * time are batched into ONE call to the strategy child (one IPC round trip for every pair, not one each):
 * a batch goes when every pair has asked, when a later candle arrives, or once the current I/O callbacks
 * are done (setImmediate: the candles of one step arrive together; a pair without a candle is not waited for).
 * Warm-up hands the stored candles to the strategy once for all pairs, as history: nothing is decided on them.
 */
import type { Logger } from 'pino';
import { fromPromise } from 'xstate';
import type { Evaluation, RecordRequest, ScanRequest } from '../machines/scanner.machine.ts';
import type { Clock } from '../src/clock/clock.ts';
import { timeframeMs, type Candle, type Pair, type Timeframe } from '../src/contract/index.ts';
import type { CandlesRepo, SignalsRepo } from '../src/db/index.ts';
import type { LiveStrategy, ScanOutcome } from '../src/sandbox/live.ts';
import { BrainError } from '../src/contract/errors.ts';

export interface ScannerActorDeps {
  strategy: LiveStrategy;
  candles: CandlesRepo;
  signals: SignalsRepo;
  pairs: readonly Pair[];
  clock: Clock;
  log: Logger;
  /** Stored candles replayed per pair at warm-up. */
  warmupBars: number;
  /** Told after each scan is written (the demo's and the tests' progress signal). */
  onRecorded?: (pair: Pair, candleTime: number) => void;
}

interface Waiting {
  req: ScanRequest;
  started: number;
  resolve: (e: Evaluation) => void;
  reject: (err: unknown) => void;
}

/** Collects the scans of one candle time and runs them as one sandbox call. */
export class ScanBatcher {
  private waiting: Waiting[] = [];
  private timer: ReturnType<typeof setImmediate> | null = null;

  constructor(private readonly deps: Pick<ScannerActorDeps, 'strategy' | 'pairs'>) {}

  evaluate(req: ScanRequest): Promise<Evaluation> {
    if (this.waiting.length > 0 && this.waiting[0]!.req.candle.time !== req.candle.time) this.flush();
    return new Promise<Evaluation>((resolve, reject) => {
      this.waiting.push({ req, started: performance.now(), resolve, reject });
      if (this.waiting.length >= this.deps.pairs.length) this.flush();
      else this.timer ??= setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.deps.strategy.onCandles(batch.map((w) => ({ pair: w.req.pair, candle: w.req.candle }))).then(
      (outcomes) => {
        for (const w of batch) {
          const outcome = outcomes.find((o) => o.pair === w.req.pair);
          if (outcome) w.resolve(evaluationOf(outcome, performance.now() - w.started));
          else
            w.reject(
              new BrainError(`the strategy returned no verdict for ${w.req.pair} at ${w.req.candle.time}`, {
                domain: 'scanner',
                code: 'no_verdict',
                retryable: false,
              }),
            );
        }
      },
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  }
}

function evaluationOf(o: ScanOutcome, durationMs: number): Evaluation {
  if (!o.verdict.ok)
    return { action: 'hold', intent: null, regime: null, indicators: {}, durationMs, invalid: { reason: o.verdict.reason, message: o.verdict.message } };
  const intent = o.verdict.intent;
  const d = intent.decision;
  return { action: d.action, intent: d.action === 'hold' ? null : intent, regime: d.regime ?? null, indicators: d.indicators ?? {}, durationMs, invalid: null };
}

/** Gives the strategy the last `bars` stored candles of every pair as history, in time order. */
async function warmAll(deps: ScannerActorDeps, timeframe: Timeframe): Promise<Map<Pair, number>> {
  const now = deps.clock.now();
  const byTime = new Map<number, Array<{ pair: Pair; candle: Candle }>>();
  const last = new Map<Pair, number>();
  for (const pair of deps.pairs) {
    const latest = deps.candles.latestTime(pair, timeframe);
    if (latest === null) continue;
    const from = latest - (deps.warmupBars - 1) * timeframeMs(timeframe);
    for (const candle of deps.candles.range(pair, timeframe, from, Math.min(latest, now) + 1)) {
      byTime.set(candle.time, [...(byTime.get(candle.time) ?? []), { pair, candle }]);
      last.set(pair, candle.time);
    }
  }
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) await deps.strategy.remember(byTime.get(t)!);
  deps.log.info({ pairs: last.size, steps: byTime.size }, 'scanners warmed up from stored candles');
  return last;
}

export function scannerActors(deps: ScannerActorDeps) {
  const batcher = new ScanBatcher(deps);
  let warm: Promise<Map<Pair, number>> | null = null;
  return {
    warmUp: fromPromise<{ lastTime: number }, { pair: Pair; timeframe: Timeframe; strategyVersion: string }>(async ({ input }) => {
      warm ??= warmAll(deps, input.timeframe);
      return { lastTime: (await warm).get(input.pair) ?? -1 };
    }),
    evaluate: fromPromise<Evaluation, ScanRequest>(({ input }) => batcher.evaluate(input)),
    record: fromPromise<void, RecordRequest>(async ({ input: { scan, signal } }) => {
      const now = deps.clock.now();
      const e = scan.evaluation;
      deps.signals.insertScan({
        pair: scan.pair,
        timeframe: scan.timeframe,
        candleTime: scan.candle.time,
        strategyVersion: scan.strategyVersion,
        action: e.action,
        regime: e.regime,
        indicators: e.indicators,
        durationMs: Math.round(e.durationMs),
        createdAt: now,
      });
      if (signal) {
        const { verdict } = signal;
        deps.signals.insertSignal({
          intent: signal.intent,
          outcome: verdict.outcome,
          rejectReason: verdict.rejectReason,
          clOrdId: verdict.clOrdId,
          createdAt: now,
        });
      }
      deps.onRecorded?.(scan.pair, scan.candle.time);
    }),
  };
}
