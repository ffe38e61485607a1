/**
 * The nightly cycle: idle → gathering → analysing → (no change | generating → reviewing → submitting)
 * → done | failed, started by the scheduler's slot or `orchestrator.runNow`; without a model the
 * offline evolver takes the slot. Inv. 5: any failure ends in `failed` with its reason recorded and
 * nothing deployed; only the pipeline behind `submit` decides what ever trades. Durable: one row,
 * read back in `resuming` (a resumed step re-runs; its model answer, stored before it was acted on,
 * is read instead of paid for again). Retries of an overloaded API wait inside the night's window
 * (deadline `retryAt` in context), then the night fails closed. Types: orchestrator-cycle-types.ts;
 * actors, guards and actions: orchestrator-cycle-setup.ts.
 */
import type { CycleContext, CycleStep, NightOutcome } from './orchestrator-cycle-types.ts';
import { cycleSetup, FRESH_NIGHT, type StepInput } from './orchestrator-cycle-setup.ts';

export type * from './orchestrator-cycle-types.ts';
export { StepFailure } from './orchestrator-cycle-types.ts';
export const ORCHESTRATOR_CYCLE_MACHINE_VERSION = '1';
/** One cycle machine per daemon: its machine_snapshots row and its id under the supervisor. */
export const ORCHESTRATOR_CYCLE_ACTOR_ID = 'orchestratorCycle';

const STEPS: readonly CycleStep[] = ['gathering', 'analysing', 'generating', 'reviewing', 'submitting'];

const startOn = {
  'orchestrator.slot': { target: '#orchestratorCycle.starting', actions: 'startNight' },
  'orchestrator.runNow': { target: '#orchestratorCycle.starting', actions: 'startNight' },
} as const;
const toFinish = (outcome: NightOutcome) => ({ target: '#orchestratorCycle.finishing', actions: { type: 'endWith' as const, params: { outcome } } });
const onFailure = (step: CycleStep) => [
  { guard: 'canRetryLater' as const, target: '#orchestratorCycle.waiting', actions: { type: 'scheduleRetry' as const, params: { step } } },
  { target: '#orchestratorCycle.finishing', actions: 'failClosed' as const },
];
const input = ({ context }: { context: CycleContext }): StepInput => ({ cycleId: context.cycleId!, attempt: context.attempt, feedback: context.feedback });
const step = (src: 'gather' | 'analyse' | 'generate' | 'review' | 'submit', self: CycleStep, onOk: string, description: string) => ({
  description,
  invoke: {
    id: src,
    src,
    input,
    onDone: [
      { guard: { type: 'outcomeIs' as const, params: { kind: 'ok' as const } }, target: `#orchestratorCycle.${onOk}`, actions: 'tick' as const },
      { guard: { type: 'outcomeIs' as const, params: { kind: 'noChange' as const } }, ...toFinish('no_change') },
      { guard: { type: 'outcomeIs' as const, params: { kind: 'submitted' as const } }, ...toFinish('submitted') },
      // A refusal the generator may repair goes back to it with the reason (see `repairing`).
      { guard: { type: 'outcomeIs' as const, params: { kind: 'repair' as const } }, target: '#orchestratorCycle.repairing', actions: 'takeRepair' as const },
      toFinish('refused'),
    ],
    onError: onFailure(self),
  },
  on: { 'orchestrator.slot': { actions: 'announceBusy' as const }, 'orchestrator.runNow': { actions: 'announceBusy' as const } },
});

export const orchestratorCycleMachine = cycleSetup.createMachine({
  id: 'orchestratorCycle',
  initial: 'resuming',
  context: ({ input: i }) => ({
    ...FRESH_NIGHT,
    trigger: null,
    now: i.now,
    maxAttempts: 1 + i.maxRepairs,
    retryDelayMs: i.retryDelaySeconds * 1000,
    resumeTo: null,
  }),
  invoke: { id: 'store', src: 'persistState', input: { actorId: ORCHESTRATOR_CYCLE_ACTOR_ID }, onError: { actions: 'reportPersistFailure' } },
  on: { 'store.failed': { actions: 'reportPersistFailure' } },
  states: {
    resuming: {
      description:
        'Reads the persisted record back and routes to its state (an interrupted step re-runs; a wait re-arms from retryAt); a first start goes idle. An unreadable record fails closed.',
      invoke: {
        id: 'restore',
        src: 'restore',
        onDone: { target: 'routing', actions: 'adoptRecord' },
        onError: { target: 'failed', actions: ['failClosed', 'announceFinished'] },
      },
    },
    routing: {
      description: 'Sends a restored machine to the state it was persisted in.',
      always: [
        ...(['starting', 'offline', ...STEPS, 'waiting', 'finishing', 'done', 'failed'] as const).map((state) => ({
          guard: { type: 'resumingTo' as const, params: { state } },
          target: state,
          actions: 'clearResumeTo' as const,
        })),
        { target: 'idle', actions: 'clearResumeTo' },
      ],
    },
    idle: { description: "Waits for the scheduler's orchestrator slot or a run-now request.", on: startOn },
    starting: {
      description: "Opens the night's row (closing any night a restart abandoned) and picks the model or, without a key, the offline evolver.",
      invoke: {
        id: 'begin',
        src: 'begin',
        input: ({ context }) => ({ trigger: context.trigger ?? 'now', at: context.now }),
        onDone: [
          { guard: 'isOffline', target: 'offline', actions: 'adoptBegan' },
          { target: 'gathering', actions: 'adoptBegan' },
        ],
        onError: { target: 'failed', actions: ['failClosed', 'announceFinished'] },
      },
    },
    offline: {
      description: 'The offline evolver takes the night (no model key or no model budget); its candidates go through the same pipeline.',
      invoke: {
        id: 'runOffline',
        src: 'runOffline',
        input: ({ context }) => ({ cycleId: context.cycleId!, trigger: context.trigger ?? 'now' }),
        onDone: toFinish('offline'),
        onError: { target: 'finishing', actions: 'failClosed' },
      },
    },
    gathering: step(
      'gather',
      'gathering',
      'analysing',
      'Reads the labelled context (truth benchmarks, reports, constraints, drought, paper tests, observations, lineage, ledger, candidates), bounded in tokens, and stores it with the night.',
    ),
    analysing: step(
      'analyse',
      'analysing',
      'generating',
      "The analysis model reads the context and decides; its observation is the night's one entry in memory. No change ends the night here.",
    ),
    generating: step(
      'generate',
      'generating',
      'reviewing',
      'The generation model writes the candidate (search/replace on the current source, or a whole module); free checks first: edits apply, the code matches the decision, it is not a failed duplicate, it asks for no secrets.',
    ),
    repairing: {
      description: "A refused candidate goes back to the generator with the reasons while repairs are left; otherwise the night's attempt ends refused.",
      always: [
        { guard: 'repairsLeft', target: 'generating' },
        { target: 'finishing', actions: 'endExhausted' },
      ],
    },
    reviewing: step(
      'review',
      'reviewing',
      'submitting',
      'The review model reads the diff against the parent with the hypothesis: approve, revise (back to the generator) or reject.',
    ),
    submitting: step(
      'submit',
      'submitting',
      'finishing',
      'The candidate goes to the evolution pipeline (static gates, backtests, paper test): the only way anything written tonight reaches the market.',
    ),
    waiting: {
      description: "An overloaded or rate-limited call waits until retryAt, inside the night's window, then its step runs again.",
      after: {
        untilRetry: [
          ...STEPS.map((s) => ({ guard: { type: 'retryStepIs' as const, params: { step: s } }, target: s, actions: 'reachRetry' as const })),
          { target: 'finishing', actions: 'loseRetry' },
        ],
      },
      on: { 'orchestrator.slot': { actions: 'announceBusy' }, 'orchestrator.runNow': { actions: 'announceBusy' } },
    },
    finishing: {
      description: 'Records the outcome and reason with the night.',
      invoke: {
        id: 'finish',
        src: 'finish',
        input: ({ context }) => ({ cycleId: context.cycleId!, outcome: context.outcome ?? 'failed', reason: context.reason }),
        onDone: [
          { guard: 'nightFailed', target: 'failed', actions: 'announceFinished' },
          { target: 'done', actions: 'announceFinished' },
        ],
        onError: { target: 'failed', actions: ['failClosed', 'announceFinished'] },
      },
    },
    done: { description: 'The night ended (no change, submitted, refused or offline); waits for the next slot.', on: startOn },
    failed: {
      description: 'The night failed closed: nothing deployed, the incumbent trades on, the reason is recorded; waits for the next slot.',
      on: startOn,
    },
  },
});
