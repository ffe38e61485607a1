/**
 * One pair's scanner: warm up from stored candles, then on each closed candle run the active strategy
 * (`evaluate`: the sandbox live scan) and hand a non-hold intent to the supervisor, which runs the risk
 * gate and breaker (inv. 3) and answers with `scanner.verdict`; the scan and the signal with its outcome
 * are then written (`record`). Candles arriving while busy are queued in order, never dropped; a new
 * strategy version takes effect from the next candle. A failing strategy yields no intent (inv. 5).
 *
 * To the supervisor (sendParent, and emitted for observers): `scanner.intent` {pair, intent} — reply
 * with `scanner.verdict` to the scanner's ref; `scanner.failed` on a sandbox error or an invalid decision.
 */
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { Candle } from '../src/contract/candle.ts';
import type { Intent, IntentAction, Regime } from '../src/contract/intent.ts';
import type { Pair, Timeframe } from '../src/contract/pairs.ts';
import { announceTo, notProvided } from './shared.ts';
import { toErrorInfo, type ErrorInfo } from '../src/contract/errors.ts';

export const SCANNER_MACHINE_VERSION = '1';

export interface ScanRequest {
  pair: Pair;
  timeframe: Timeframe;
  candle: Candle;
  strategyVersion: string;
}

/** The sandbox's answer: an intent (null for hold), or why the decision was invalid. */
export interface Evaluation {
  action: IntentAction;
  intent: Intent | null;
  regime: Regime | null;
  indicators: Record<string, number>;
  durationMs: number;
  invalid: { reason: string; message: string } | null;
}

export interface Verdict {
  outcome: 'acted' | 'rejected';
  rejectReason: string | null;
  clOrdId: string | null;
}

export interface RecordRequest {
  scan: ScanRequest & { evaluation: Evaluation };
  /** Present for non-hold intents. */
  signal: { intent: Intent; verdict: Verdict } | null;
}

export interface ScannerInput {
  pair: Pair;
  timeframe: Timeframe;
  strategyVersion: string;
  /** Longest the supervisor may take to answer an intent before it is recorded as rejected. */
  verdictMs?: number;
  warmupRetryMs?: number;
}

export interface ScannerContext {
  pair: Pair;
  timeframe: Timeframe;
  strategyVersion: string;
  verdictMs: number;
  warmupRetryMs: number;
  /** Closed candles waiting, oldest first. */
  queue: Candle[];
  /** Open time of the newest candle taken into the queue or the warm-up. */
  lastTime: number;
  current: ScanRequest | null;
  evaluation: Evaluation | null;
  verdict: Verdict | null;
}

export type ScannerEvent =
  | { type: 'market.candle'; pair: Pair; timeframe: Timeframe; candle: Candle; closed: boolean }
  | { type: 'strategy.activated'; versionId: string }
  | { type: 'scanner.verdict'; pair: Pair; candleTime: number; verdict: Verdict };

export type ScannerEmitted =
  | { type: 'scanner.intent'; pair: Pair; intent: Intent }
  | { type: 'scanner.failed'; pair: Pair; candleTime: number; stage: 'warmUp' | 'evaluate' | 'decision' | 'record'; error: ErrorInfo };

const NO_VERDICT: Verdict = { outcome: 'rejected', rejectReason: 'no_verdict', clOrdId: null };

const scannerSetup = setup({
  types: {
    context: {} as ScannerContext,
    events: {} as ScannerEvent,
    input: {} as ScannerInput,
    emitted: {} as ScannerEmitted,
  },
  actors: {
    /** Loads stored candles into the strategy host; resolves with the open time of the newest one (or -1). */
    warmUp: fromPromise<{ lastTime: number }, { pair: Pair; timeframe: Timeframe; strategyVersion: string }>(notProvided('scanner.warmUp')),
    evaluate: fromPromise<Evaluation, ScanRequest>(notProvided('scanner.evaluate')),
    /** Writes scan_results and, for a non-hold intent, the signal with its outcome. */
    record: fromPromise<void, RecordRequest>(notProvided('scanner.record')),
  },
  delays: {
    verdictTimeout: ({ context }) => context.verdictMs,
    warmupRetry: ({ context }) => context.warmupRetryMs,
  },
  guards: {
    isNextCandle: ({ context, event }) =>
      event.type === 'market.candle' &&
      event.closed &&
      event.pair === context.pair &&
      event.timeframe === context.timeframe &&
      event.candle.time > context.lastTime,
    hasQueued: ({ context }) => context.queue.length > 0,
    wantsVerdict: ({ event }) => (event as { output?: Evaluation }).output?.intent != null,
    isOwnVerdict: ({ context, event }) => event.type === 'scanner.verdict' && event.pair === context.pair && event.candleTime === context.current?.candle.time,
  },
  actions: {
    enqueue: assign(({ context, event }) => (event.type === 'market.candle' ? { queue: [...context.queue, event.candle], lastTime: event.candle.time } : {})),
    afterWarmUp: assign({
      lastTime: ({ context, event }) => Math.max(context.lastTime, (event as { output?: { lastTime: number } }).output?.lastTime ?? -1),
      // Candles already in the store were replayed by the warm-up; scan only the newer ones.
      queue: ({ context, event }) => context.queue.filter((c) => c.time > ((event as { output?: { lastTime: number } }).output?.lastTime ?? -1)),
    }),
    takeNext: assign(({ context }) => {
      const [candle, ...queue] = context.queue;
      const current = { pair: context.pair, timeframe: context.timeframe, candle: candle!, strategyVersion: context.strategyVersion };
      return { queue, current, evaluation: null, verdict: null };
    }),
    switchVersion: assign({ strategyVersion: ({ context, event }) => (event.type === 'strategy.activated' ? event.versionId : context.strategyVersion) }),
    keepEvaluation: assign({ evaluation: ({ event }) => (event as { output?: Evaluation }).output ?? null }),
    keepVerdict: assign({ verdict: ({ event }) => (event.type === 'scanner.verdict' ? event.verdict : NO_VERDICT) }),
    noVerdict: assign({ verdict: NO_VERDICT }),
    sendIntent: enqueueActions(({ context, enqueue, self }) => {
      const intent = context.evaluation?.intent;
      if (intent) announceTo<ScannerEmitted>(self, enqueue, { type: 'scanner.intent', pair: context.pair, intent });
    }),
    reportInvalid: enqueueActions(({ context, enqueue, self }) => {
      const bad = context.evaluation?.invalid;
      if (!bad) return;
      const candleTime = context.current?.candle.time ?? -1;
      announceTo<ScannerEmitted>(self, enqueue, {
        type: 'scanner.failed',
        pair: context.pair,
        candleTime,
        stage: 'decision',
        error: { code: `strategy.${bad.reason}`, message: bad.message, retryable: false },
      });
    }),
    reportFailure: enqueueActions(({ context, event, enqueue, self }, p: { stage: 'warmUp' | 'evaluate' | 'record' }) => {
      const candleTime = context.current?.candle.time ?? -1;
      announceTo<ScannerEmitted>(self, enqueue, {
        type: 'scanner.failed',
        pair: context.pair,
        candleTime,
        stage: p.stage,
        error: toErrorInfo((event as { error?: unknown }).error),
      });
    }),
  },
});

export const scannerMachine = scannerSetup.createMachine({
  id: 'scanner',
  initial: 'warmingUp',
  context: ({ input }) => ({
    pair: input.pair,
    timeframe: input.timeframe,
    strategyVersion: input.strategyVersion,
    verdictMs: input.verdictMs ?? 10_000,
    warmupRetryMs: input.warmupRetryMs ?? 30_000,
    queue: [],
    lastTime: -1,
    current: null,
    evaluation: null,
    verdict: null,
  }),
  on: {
    'market.candle': { guard: 'isNextCandle', actions: 'enqueue' },
    'strategy.activated': { actions: 'switchVersion' },
  },
  states: {
    warmingUp: {
      description: 'Replays stored candles into the strategy host; live candles queue meanwhile.',
      invoke: {
        id: 'warmUp',
        src: 'warmUp',
        input: ({ context }) => ({ pair: context.pair, timeframe: context.timeframe, strategyVersion: context.strategyVersion }),
        onDone: { target: 'idle', actions: 'afterWarmUp' },
        onError: { target: 'warmUpFailed', actions: { type: 'reportFailure', params: { stage: 'warmUp' } } },
      },
    },
    warmUpFailed: {
      description: 'No history, so no scans (inv. 5); retries the warm-up after a pause, candles still queue.',
      after: { warmupRetry: 'warmingUp' },
    },
    idle: {
      description: 'Waits for the next closed candle; a queued one starts at once.',
      always: { guard: 'hasQueued', target: 'evaluating' },
    },
    evaluating: {
      description: 'The strategy decides on the oldest queued candle with the version active when it starts.',
      entry: 'takeNext',
      invoke: {
        id: 'evaluate',
        src: 'evaluate',
        input: ({ context }) => context.current!,
        onDone: [
          { guard: 'wantsVerdict', target: 'awaitingVerdict', actions: 'keepEvaluation' },
          { target: 'recording', actions: ['keepEvaluation', 'reportInvalid'] },
        ],
        onError: { target: 'idle', actions: { type: 'reportFailure', params: { stage: 'evaluate' } } },
      },
    },
    awaitingVerdict: {
      description: 'The intent is with the supervisor (risk gate, breaker); its verdict is recorded with the signal.',
      entry: 'sendIntent',
      on: { 'scanner.verdict': { guard: 'isOwnVerdict', target: 'recording', actions: 'keepVerdict' } },
      after: { verdictTimeout: { target: 'recording', actions: 'noVerdict' } },
    },
    recording: {
      description: 'Writes scan_results and the signal (acted or rejected with its reason).',
      invoke: {
        id: 'record',
        src: 'record',
        input: ({ context }) => ({
          scan: { ...context.current!, evaluation: context.evaluation! },
          signal: context.evaluation?.intent ? { intent: context.evaluation.intent, verdict: context.verdict ?? NO_VERDICT } : null,
        }),
        onDone: { target: 'idle' },
        onError: { target: 'idle', actions: { type: 'reportFailure', params: { stage: 'record' } } },
      },
    },
  },
});
