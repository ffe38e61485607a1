/**
 * The circuit breaker: active → reducing → halted, outside the strategy (DESIGN inv. 3). The rule is
 * src/trading breakerTrigger; this machine adds what a rule cannot: the level persists across restarts,
 * a halt stays until a manual `breaker.resume` or the auto cool-down (deadline `resumeAt` in context,
 * re-armed from `resuming`), and the losing streak is its own so that a resume resets it. Exits are never
 * the breaker's business: evaluateIntent lets sells and closes through at every level.
 */
import { and, assign, enqueueActions, fromCallback, setup, type EventObject } from 'xstate';
import type { RiskLimits } from '../src/contract/risk.ts';
import { breakerTrigger, type BreakerLevel, type BreakerReason, type RiskView } from '../src/trading/breaker.ts';
import { announceTo, notProvided, untilDeadline, type DurableRecord, type Resume, type StoreInput } from './shared.ts';
import { toErrorInfo, type ErrorInfo } from '../src/contract/errors.ts';

export const BREAKER_MACHINE_VERSION = '1';
/** The breaker is one per daemon: its machine_snapshots row and its id under the supervisor. */
export const BREAKER_ACTOR_ID = 'breaker';

export type BreakerTripReason = BreakerReason | 'manual';
/**
 * Why an outside authority holds entries reduced whatever the rule says: venue balances differ from the
 * ledger, the daily self-audit failed, or a strategy was rolled back automatically. Only the same
 * authority's release or an operator's resume lifts it.
 */
export type BreakerHoldReason = 'balance_mismatch' | 'audit_failed' | 'rollback';
/** Why entries are reduced: the rule's drawdown, or an outside hold. */
export type BreakerReducedReason = BreakerReason | BreakerHoldReason;

/** The portfolio figures the rule reads; kept from the last `portfolio.updated`. */
export interface BreakerMarks {
  equity: number;
  peakEquity: number;
  dayStartEquity: number;
}

export interface BreakerContext {
  limits: RiskLimits;
  reason: BreakerTripReason | BreakerHoldReason | null;
  /** When the current level was entered (ms). */
  since: number;
  /** The newest time heard (events carry it; the machine reads no clock). */
  now: number;
  consecutiveLosses: number;
  /** Exit time of the last losing trade, null when none (JSON-safe, unlike NaN). */
  lastLossAt: number | null;
  marks: BreakerMarks | null;
  /** Auto-resume deadline (absolute ms) while halted with `resume: 'auto'`; null otherwise. */
  resumeAt: number | null;
  /** Set only from `input.resume` until `resuming` has routed it. */
  resumeTo: BreakerLevel | null;
  /**
   * Why entries stay reduced whatever the rule says, one per authority, each until that authority releases
   * it or an operator resumes: a passing reconciliation must not lift a failed audit's hold.
   */
  holds: BreakerHoldReason[];
  /** When a timed hold lapses by itself (absolute ms; a rollback's), by reason; an untimed hold has no entry. */
  holdUntil: Partial<Record<BreakerHoldReason, number>>;
}

export type BreakerRecord = DurableRecord<BreakerLevel, BreakerContext>;

export interface BreakerInput {
  limits: RiskLimits;
  /** Time of creation, ms. */
  now: number;
  resume?: Resume<BreakerLevel, BreakerContext>;
}

export type BreakerEvent =
  | { type: 'portfolio.updated'; view: RiskView }
  | { type: 'trade.closed'; pnl: number; time: number }
  | { type: 'breaker.resume'; by: string; time: number }
  | { type: 'breaker.halt'; by: string; time: number }
  | { type: 'breaker.limits'; limits: RiskLimits; time: number }
  /**
   * An outside authority (balance reconciliation, the self-audit, an automatic rollback): at least reducing
   * until its `breaker.release`, an operator resume, or `until` (absolute ms) when given.
   */
  | { type: 'breaker.hold'; reason: BreakerHoldReason; time: number; until?: number }
  /** Lifts the hold only when it is this authority's own: a passing reconciliation does not lift a failed audit's hold. */
  | { type: 'breaker.release'; reason: BreakerHoldReason; time: number }
  /** From the persister: a write failed after start. */
  | { type: 'store.failed'; error: ErrorInfo };

/** Every report carries the streak: the supervisor builds the risk gate's RiskView with it. */
export type BreakerEmitted =
  | { type: 'breaker.tripped'; reason: BreakerTripReason; at: number; resumeAt: number | null; consecutiveLosses: number }
  | { type: 'breaker.reduced'; reason: BreakerReducedReason; at: number; consecutiveLosses: number }
  | { type: 'breaker.resumed'; from: BreakerLevel; by: string; at: number; consecutiveLosses: number }
  | { type: 'breaker.resumeRefused'; reason: BreakerReason; by: string; at: number; consecutiveLosses: number }
  | { type: 'breaker.persistFailed'; error: ErrorInfo; at: number };

const MINUTE = 60_000;
/** Before the first portfolio update only the losing streak can trip the breaker. */
const NO_MARKS: BreakerMarks = { equity: 1, peakEquity: 1, dayStartEquity: 1 };

/** The rule's verdict on the machine's figures, with the streak optionally reset (a resume). */
export function breakerVerdict(c: BreakerContext, streak = c.consecutiveLosses) {
  const view: RiskView = {
    ...(c.marks ?? NO_MARKS),
    cash: 0,
    openPositions: 0,
    pairExposure: 0,
    totalExposure: 0,
    heldQuantity: 0,
    consecutiveLosses: streak,
    lastLossAt: c.lastLossAt ?? Number.NaN,
    now: c.now,
  };
  return breakerTrigger(view, c.limits);
}

/** The level the breaker must be at: the rule's, or reducing while a hold stands and the rule would allow more. */
function levelNow(c: BreakerContext): { level: BreakerLevel; reason: BreakerReducedReason | null } {
  const rule = breakerVerdict(c);
  return rule.level === 'active' && c.holds.length > 0 ? { level: 'reducing', reason: c.holds[0]! } : rule;
}

/** A snapshot written before holds were a set carried one `hold` (or none, before holds existed). */
function restoredContext(c: BreakerContext & { hold?: BreakerHoldReason | null }): BreakerContext {
  const { hold, ...rest } = c;
  return { ...rest, holds: rest.holds ?? (hold ? [hold] : []), holdUntil: rest.holdUntil ?? {} };
}

function withoutHolds(c: BreakerContext, drop: (h: BreakerHoldReason) => boolean): Pick<BreakerContext, 'holds' | 'holdUntil'> {
  const holds = c.holds.filter((h) => !drop(h));
  return { holds, holdUntil: Object.fromEntries(Object.entries(c.holdUntil).filter(([h]) => holds.includes(h as BreakerHoldReason))) };
}

function eventTime(e: BreakerEvent): number {
  if (e.type === 'store.failed') return 0;
  return e.type === 'portfolio.updated' ? e.view.now : e.time;
}

const breakerSetup = setup({
  types: {
    context: {} as BreakerContext,
    events: {} as BreakerEvent,
    input: {} as BreakerInput,
    emitted: {} as BreakerEmitted,
  },
  actors: {
    /** Saves the machine's value and context whenever they change (machine_snapshots + risk_state). */
    persistState: fromCallback<EventObject, StoreInput>(notProvided('breaker.persistState')),
  },
  delays: {
    untilAutoResume: ({ context }) => untilDeadline(context.resumeAt, context.now),
  },
  guards: {
    ruleSays: ({ context }, p: { level: BreakerLevel }) => levelNow(context).level === p.level,
    /** The drawdown rule alone, ignoring any hold: what an operator's resume of a hold leads to. */
    ruleAloneSaysActive: ({ context }) => breakerVerdict(context).level === 'active',
    autoResumes: ({ context }) => context.resumeAt !== null,
    haltHoldsAfterReset: ({ context }) => breakerVerdict(context, 0).level === 'halted',
    resumingTo: ({ context }, p: { level: BreakerLevel }) => context.resumeTo === p.level,
  },
  actions: {
    tick: assign({ now: ({ context, event }) => Math.max(context.now, eventTime(event)) }),
    absorbView: assign({
      marks: ({ event, context }) =>
        event.type === 'portfolio.updated'
          ? { equity: event.view.equity, peakEquity: event.view.peakEquity, dayStartEquity: event.view.dayStartEquity }
          : context.marks,
    }),
    absorbTrade: assign(({ context, event }) => {
      if (event.type !== 'trade.closed') return {};
      return event.pnl < 0 ? { consecutiveLosses: context.consecutiveLosses + 1, lastLossAt: event.time } : { consecutiveLosses: 0 };
    }),
    absorbLimits: assign({ limits: ({ context, event }) => (event.type === 'breaker.limits' ? event.limits : context.limits) }),
    setHold: assign(({ context, event }) => {
      if (event.type !== 'breaker.hold') return {};
      const { [event.reason]: _lapse, ...holdUntil } = context.holdUntil;
      return {
        holds: context.holds.includes(event.reason) ? context.holds : [...context.holds, event.reason],
        holdUntil: event.until === undefined ? holdUntil : { ...holdUntil, [event.reason]: event.until },
      };
    }),
    clearHold: assign({ holds: [], holdUntil: {} }),
    releaseHold: assign(({ context, event }) => (event.type === 'breaker.release' ? withoutHolds(context, (h) => h === event.reason) : {})),
    /** A timed hold whose time has come lapses on the first event that carries a later time. */
    lapseHolds: assign(({ context }) => withoutHolds(context, (h) => (context.holdUntil[h] ?? Infinity) <= context.now)),
    /** Time moves to the deadline when the cool-down fires (no event carries it). */
    reachDeadline: assign({ now: ({ context }) => Math.max(context.now, context.resumeAt ?? context.now) }),
    enterHalt: enqueueActions(({ context, event, enqueue, self }) => {
      const reason: BreakerTripReason = event.type === 'breaker.halt' ? 'manual' : (breakerVerdict(context).reason ?? 'manual');
      const resumeAt = context.limits.resume === 'auto' ? context.now + context.limits.autoResumeAfterMinutes * MINUTE : null;
      enqueue.assign({ reason, since: context.now, resumeAt });
      announceTo<BreakerEmitted>(self, enqueue, { type: 'breaker.tripped', reason, at: context.now, resumeAt, consecutiveLosses: context.consecutiveLosses });
    }),
    enterReducing: enqueueActions(({ context, enqueue, self }) => {
      const reason = levelNow(context).reason ?? 'reducing_drawdown';
      enqueue.assign({ reason, since: context.now, resumeAt: null });
      announceTo<BreakerEmitted>(self, enqueue, { type: 'breaker.reduced', reason, at: context.now, consecutiveLosses: context.consecutiveLosses });
    }),
    /** Back to active: a resume (manual or auto) resets the streak; a recovery from reducing keeps it. */
    enterActive: enqueueActions(({ context, enqueue, self }, p: { from: BreakerLevel; by: string; resetStreak: boolean }) => {
      const consecutiveLosses = p.resetStreak ? 0 : context.consecutiveLosses;
      enqueue.assign({ reason: null, since: context.now, resumeAt: null, consecutiveLosses });
      announceTo<BreakerEmitted>(self, enqueue, { type: 'breaker.resumed', from: p.from, by: p.by, at: context.now, consecutiveLosses });
    }),
    refuseResume: enqueueActions(({ context, event, enqueue, self }) => {
      const reason = breakerVerdict(context, 0).reason ?? 'drawdown';
      const by = event.type === 'breaker.resume' ? event.by : 'auto';
      announceTo<BreakerEmitted>(self, enqueue, { type: 'breaker.resumeRefused', reason, by, at: context.now, consecutiveLosses: context.consecutiveLosses });
    }),
    /** The halt still holds at the auto deadline: wait another cool-down. */
    clearResumeTo: assign({ resumeTo: null }),
    reportPersistFailure: enqueueActions(({ context, event, enqueue, self }) => {
      // store.failed carries an ErrorInfo already; the restore invoke's error event carries what was thrown.
      announceTo<BreakerEmitted>(self, enqueue, { type: 'breaker.persistFailed', error: toErrorInfo((event as { error?: unknown }).error), at: context.now });
    }),
    rearmCoolDown: assign({ resumeAt: ({ context }) => context.now + context.limits.autoResumeAfterMinutes * MINUTE }),
  },
});

const toActive = (from: BreakerLevel, by: string, resetStreak: boolean) => ({ type: 'enterActive' as const, params: { from, by, resetStreak } });
const haltCommand = { 'breaker.halt': { target: '#breaker.halted', actions: ['tick', 'enterHalt'] } } as const;
const escalate = [{ guard: { type: 'ruleSays', params: { level: 'halted' } }, target: '#breaker.halted', actions: 'enterHalt' }] as const;

export const breakerMachine = breakerSetup.createMachine({
  id: 'breaker',
  initial: 'resuming',
  context: ({ input }) =>
    input.resume
      ? { ...restoredContext(input.resume.context), now: Math.max(input.resume.context.now, input.resume.now), resumeTo: input.resume.value }
      : {
          limits: input.limits,
          reason: null,
          since: input.now,
          now: input.now,
          consecutiveLosses: 0,
          lastLossAt: null,
          marks: null,
          resumeAt: null,
          resumeTo: null,
          holds: [],
          holdUntil: {},
        },
  invoke: { id: 'store', src: 'persistState', input: { actorId: BREAKER_ACTOR_ID }, onError: { actions: 'reportPersistFailure' } },
  on: {
    'portfolio.updated': { actions: ['tick', 'lapseHolds', 'absorbView'] },
    'trade.closed': { actions: ['tick', 'lapseHolds', 'absorbTrade'] },
    'breaker.limits': { actions: ['tick', 'lapseHolds', 'absorbLimits'] },
    'breaker.hold': { actions: ['tick', 'lapseHolds', 'setHold'] },
    'breaker.release': { actions: ['tick', 'releaseHold'] },
    'store.failed': { actions: 'reportPersistFailure' },
  },
  states: {
    resuming: {
      description: 'Routes a restored breaker to its persisted level (a halt re-arms its cool-down from resumeAt); a fresh one starts active.',
      always: [
        { guard: { type: 'resumingTo', params: { level: 'halted' } }, target: 'halted', actions: 'clearResumeTo' },
        { guard: { type: 'resumingTo', params: { level: 'reducing' } }, target: 'reducing', actions: 'clearResumeTo' },
        { target: 'active', actions: 'clearResumeTo' },
      ],
    },
    active: {
      description: 'Entries at full size. Each update is checked against the rule: a hard limit halts, the reducing drawdown reduces.',
      always: [...escalate, { guard: { type: 'ruleSays', params: { level: 'reducing' } }, target: 'reducing', actions: 'enterReducing' }],
      on: haltCommand,
    },
    reducing: {
      description: 'Entries at half size (evaluateIntent halves them); back to active once the drawdown recovers below the reducing level.',
      always: [...escalate, { guard: { type: 'ruleSays', params: { level: 'active' } }, target: 'active', actions: toActive('reducing', 'recovery', false) }],
      // An operator resume lifts any hold (the operator has looked); the next reconciliation or audit sets it again if still wrong.
      on: {
        ...haltCommand,
        'breaker.resume': [
          {
            guard: 'ruleAloneSaysActive',
            target: 'active',
            actions: ['tick', 'clearHold', { type: 'enterActive', params: ({ event }) => ({ from: 'reducing' as const, by: event.by, resetStreak: false }) }],
          },
          { actions: ['tick', 'clearHold'] },
        ],
      },
    },
    halted: {
      description: 'No new entries; exits still pass. Leaves only by breaker.resume or the auto cool-down, and only if no hard limit still holds.',
      on: {
        'breaker.resume': [
          { guard: 'haltHoldsAfterReset', actions: ['tick', 'refuseResume'] },
          {
            target: 'active',
            actions: ['tick', { type: 'enterActive', params: ({ event }) => ({ from: 'halted' as const, by: event.by, resetStreak: true }) }],
          },
        ],
      },
      after: {
        untilAutoResume: [
          {
            guard: and(['autoResumes', 'haltHoldsAfterReset']),
            target: 'halted',
            reenter: true,
            actions: ['reachDeadline', 'refuseResume', 'rearmCoolDown'],
          },
          { guard: 'autoResumes', target: 'active', actions: ['reachDeadline', toActive('halted', 'auto', true)] },
        ],
      },
    },
  },
});
