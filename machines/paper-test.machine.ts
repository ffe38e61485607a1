/**
 * One paper test: scheduled → running → evaluating → passed | failed | cancelled. While running, a
 * shadow of the candidate scans the same closed candles as the incumbent (the supervisor forwards them)
 * and trades through the same risk rules and fill model into its own ledger, never the venue. It is
 * judged once it has run `minDays` with `minTrades` shadow trades, or at `maxDays` whatever it has.
 * Durable: deadlines are absolute times in context (re-armed from `resuming`), one machine_snapshots
 * row per test, mirrored to paper_tests. The judging and the shadow are I/O: actors/paper-test.actors.ts.
 */
import { and, assign, enqueueActions, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import type { Candle, Pair } from '../src/contract/index.ts';
import { announceTo, notProvided, untilDeadline, type DurableRecord, type Resume, type StoreInput } from './shared.ts';
import { describeError, toErrorInfo, type ErrorInfo } from '../src/contract/errors.ts';

export const PAPER_TEST_MACHINE_VERSION = '1';
const DAY_MS = 86_400_000;

export type PaperTestState = 'scheduled' | 'running' | 'evaluating' | 'passed' | 'failed' | 'cancelled';

export interface PaperTestSettings {
  minDays: number;
  maxDays: number;
  minTrades: number;
}

/** What the judge found (stored as the paper_tests row's result). */
export interface PaperTestVerdict {
  passed: boolean;
  /** The check that failed it, when it failed. */
  failedCheck: 'minTrades' | 'underperformance' | 'drift' | null;
  reason: string;
  shadow: { trades: number; totalReturn: number };
  incumbent: { trades: number; totalReturn: number } | null;
  replay: { trades: number; totalReturn: number };
  /** Trades that differ between the shadow and its backtest replay of the same window (drift findings). */
  drift: Array<{ pair: string; entryTime: number; in: 'shadow' | 'replay' }>;
}

/** Which candidate a test is about, against which incumbent, with which settings. */
export interface PaperTestSubject {
  id: string;
  versionId: string;
  incumbentId: string | null;
  ledgerId: number | null;
  settings: PaperTestSettings;
}

export interface PaperTestContext extends PaperTestSubject {
  now: number;
  startedAt: number | null;
  minEndAt: number | null;
  maxEndAt: number | null;
  trades: number;
  /** The last closed candle the shadow scanned (a restarted shadow catches up from there). */
  lastCandleTime: number | null;
  verdict: PaperTestVerdict | null;
  reason: string | null;
  /** The failure that broke the test (shadow, judge or store), code and retry verdict as thrown; null otherwise (absent in rows written before). */
  error?: ErrorInfo | null;
  resumeTo: PaperTestState | null;
}

export type PaperTestRecord = DurableRecord<PaperTestState, PaperTestContext>;

export interface PaperTestInput extends PaperTestSubject {
  now: number;
  resume?: Resume<PaperTestState, PaperTestContext>;
}

export type PaperTestEvent =
  | { type: 'paperTest.start'; now: number }
  | { type: 'paperTest.cancel'; by: string; now: number }
  | { type: 'market.candle'; pair: Pair; candle: Candle }
  | { type: 'shadow.progress'; trades: number; lastCandleTime: number; now: number }
  | { type: 'shadow.failed'; error: ErrorInfo }
  | { type: 'store.failed'; error: ErrorInfo };

export type PaperTestEmitted =
  | { type: 'paperTest.started'; paperTestId: string; versionId: string; at: number }
  | { type: 'paperTest.passed'; paperTestId: string; versionId: string; ledgerId: number | null; verdict: PaperTestVerdict; at: number }
  /** `error`: the failure when the test broke (shadow or judge), null when the verdict failed it. */
  | {
      type: 'paperTest.failed';
      paperTestId: string;
      versionId: string;
      ledgerId: number | null;
      reason: string;
      error: ErrorInfo | null;
      verdict: PaperTestVerdict | null;
      at: number;
    }
  | { type: 'paperTest.cancelled'; paperTestId: string; versionId: string; ledgerId: number | null; by: string; at: number };

/** What the shadow and the judge are given. */
export interface ShadowInput {
  id: string;
  versionId: string;
  startedAt: number;
  lastCandleTime: number | null;
}
export interface JudgeInput {
  id: string;
  versionId: string;
  incumbentId: string | null;
  from: number;
  to: number;
  minTrades: number;
}

const announce = announceTo<PaperTestEmitted>;
const outputOf = (e: EventObject) => (e as { output?: PaperTestVerdict }).output;

const paperTestSetup = setup({
  types: { context: {} as PaperTestContext, events: {} as PaperTestEvent, input: {} as PaperTestInput, emitted: {} as PaperTestEmitted },
  actors: {
    /** The candidate's shadow: receives closed candles, scans them, records its decisions, reports shadow.progress. */
    shadow: fromCallback<EventObject, ShadowInput>(notProvided('paperTest.shadow')),
    /** Shadow vs incumbent and vs its own backtest replay of the same window, trade by trade. */
    judge: fromPromise<PaperTestVerdict, JudgeInput>(notProvided('paperTest.judge')),
    persistState: fromCallback<EventObject, StoreInput>(notProvided('paperTest.persistState')),
  },
  delays: {
    untilMinEnd: ({ context }) => untilDeadline(context.minEndAt, context.now),
    untilMaxEnd: ({ context }) => untilDeadline(context.maxEndAt, context.now),
  },
  guards: {
    resumingTo: ({ context }, p: { to: PaperTestState }) => context.resumeTo === p.to,
    enoughTrades: ({ context }) => context.trades >= context.settings.minTrades,
    minTimeReached: ({ context }) => context.minEndAt !== null && context.now >= context.minEndAt,
    maxTimeReached: ({ context }) => context.maxEndAt !== null && context.now >= context.maxEndAt,
    verdictPassed: ({ event }) => outputOf(event)?.passed === true,
  },
  actions: {
    clearResumeTo: assign({ resumeTo: null }),
    start: enqueueActions(({ context: c, event, enqueue, self }) => {
      const now = Math.max(c.now, event.type === 'paperTest.start' ? event.now : c.now);
      enqueue.assign({ now, startedAt: now, minEndAt: now + c.settings.minDays * DAY_MS, maxEndAt: now + c.settings.maxDays * DAY_MS });
      announce(self, enqueue, { type: 'paperTest.started', paperTestId: c.id, versionId: c.versionId, at: now });
    }),
    takeProgress: assign(({ context: c, event }) =>
      event.type === 'shadow.progress' ? { trades: event.trades, lastCandleTime: event.lastCandleTime, now: Math.max(c.now, event.now) } : {},
    ),
    forwardCandle: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'market.candle') enqueue.sendTo('shadow', event);
    }),
    reachMinEnd: assign({ now: ({ context: c }) => Math.max(c.now, c.minEndAt ?? c.now) }),
    reachMaxEnd: assign({ now: ({ context: c }) => Math.max(c.now, c.maxEndAt ?? c.now) }),
    announcePassed: enqueueActions(({ context: c, event, enqueue, self }) => {
      const verdict = outputOf(event)!;
      enqueue.assign({ verdict, reason: verdict.reason });
      announce(self, enqueue, { type: 'paperTest.passed', paperTestId: c.id, versionId: c.versionId, ledgerId: c.ledgerId, verdict, at: c.now });
    }),
    announceFailed: enqueueActions(({ context: c, event, enqueue, self }) => {
      const verdict = outputOf(event) ?? null;
      const error = verdict ? null : toErrorInfo((event as { error?: unknown }).error);
      const reason = verdict?.reason ?? `${event.type === 'shadow.failed' ? 'shadow' : 'judging'} failed: ${describeError(error!)}`;
      enqueue.assign({ verdict, reason, error });
      announce(self, enqueue, { type: 'paperTest.failed', paperTestId: c.id, versionId: c.versionId, ledgerId: c.ledgerId, reason, error, verdict, at: c.now });
    }),
    announceCancelled: enqueueActions(({ context: c, event, enqueue, self }) => {
      const by = event.type === 'paperTest.cancel' ? event.by : 'unknown';
      enqueue.assign({ reason: `cancelled by ${by}`, now: Math.max(c.now, event.type === 'paperTest.cancel' ? event.now : c.now) });
      announce(self, enqueue, { type: 'paperTest.cancelled', paperTestId: c.id, versionId: c.versionId, ledgerId: c.ledgerId, by, at: c.now });
    }),
  },
});

const cancel = { 'paperTest.cancel': { target: '#paperTest.cancelled', actions: 'announceCancelled' } } as const;
const resume = (to: PaperTestState) => ({ guard: { type: 'resumingTo' as const, params: { to } }, target: to, actions: 'clearResumeTo' as const });

export const paperTestMachine = paperTestSetup.createMachine({
  id: 'paperTest',
  initial: 'resuming',
  context: ({ input }) =>
    input.resume
      ? { ...input.resume.context, now: Math.max(input.resume.context.now, input.resume.now), resumeTo: input.resume.value }
      : {
          id: input.id,
          versionId: input.versionId,
          incumbentId: input.incumbentId,
          ledgerId: input.ledgerId,
          settings: input.settings,
          now: input.now,
          startedAt: null,
          minEndAt: null,
          maxEndAt: null,
          trades: 0,
          lastCandleTime: null,
          verdict: null,
          reason: null,
          error: null,
          resumeTo: null,
        },
  invoke: { id: 'store', src: 'persistState', input: ({ context }) => ({ actorId: context.id }), onError: { actions: 'announceFailed' } },
  states: {
    resuming: {
      description: 'Routes a restored test to its persisted state (a running one restarts its shadow, an evaluating one judges again); a new one is scheduled.',
      always: [resume('running'), resume('evaluating'), { target: 'scheduled', actions: 'clearResumeTo' }],
    },
    scheduled: {
      description: 'Waits for a slot: the supervisor starts at most evolution.paper.maxConcurrent tests at once.',
      on: { 'paperTest.start': { target: 'running', actions: 'start' }, ...cancel },
    },
    running: {
      description: 'The shadow trades the closed candles; judged once minDays and minTrades are reached, or at maxDays whatever it has.',
      invoke: {
        id: 'shadow',
        src: 'shadow',
        input: ({ context: c }) => ({ id: c.id, versionId: c.versionId, startedAt: c.startedAt!, lastCandleTime: c.lastCandleTime }),
      },
      always: [
        { guard: 'maxTimeReached', target: 'evaluating' },
        { guard: and(['minTimeReached', 'enoughTrades']), target: 'evaluating' },
      ],
      after: {
        untilMinEnd: { guard: 'enoughTrades', target: 'evaluating', actions: 'reachMinEnd' },
        untilMaxEnd: { target: 'evaluating', actions: 'reachMaxEnd' },
      },
      on: {
        'market.candle': { actions: 'forwardCandle' },
        'shadow.progress': { actions: 'takeProgress' },
        'shadow.failed': { target: 'failed', actions: 'announceFailed' },
        ...cancel,
      },
    },
    evaluating: {
      description: 'Judges the shadow against the incumbent and against its own backtest replay of the same window.',
      invoke: {
        id: 'judge',
        src: 'judge',
        input: ({ context: c }) => ({
          id: c.id,
          versionId: c.versionId,
          incumbentId: c.incumbentId,
          from: c.startedAt!,
          to: c.now,
          minTrades: c.settings.minTrades,
        }),
        onDone: [
          { guard: 'verdictPassed', target: 'passed', actions: 'announcePassed' },
          { target: 'failed', actions: 'announceFailed' },
        ],
        onError: { target: 'failed', actions: 'announceFailed' },
      },
      on: cancel,
    },
    passed: { type: 'final', description: 'The candidate earned its deploy; the supervisor swaps it in.' },
    failed: { type: 'final', description: 'Refused: too few trades, worse than the incumbent, drift from its own backtest, or a broken shadow.' },
    cancelled: { type: 'final', description: 'Stopped by an operator; nothing deployed.' },
  },
});
