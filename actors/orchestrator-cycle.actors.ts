/**
 * Real actors for machines/orchestrator-cycle.machine.ts: each a thin translation to one step function
 * of src/orchestrator/steps. Thrown errors become the machine's StepFailure (retryable or not); the
 * persister writes the machine's one row, except while it is still reading that row back.
 * Wire with `orchestratorCycleMachine.provide({ actors: orchestratorCycleActors(deps) })`.
 */
import { fromPromise } from 'xstate';
import {
  ORCHESTRATOR_CYCLE_ACTOR_ID,
  ORCHESTRATOR_CYCLE_MACHINE_VERSION,
  type Began,
  type CycleRecord,
  type CycleTrigger,
  type NightOutcome,
  type StepOutcome,
} from '../machines/orchestrator-cycle.machine.ts';
import type { Logger } from 'pino';
import type { Clock } from '../src/clock/clock.ts';
import type { MachineSnapshotsRepo } from '../src/db/index.ts';
import { analyseNight } from '../src/orchestrator/steps/analyse.ts';
import { asStepFailure } from '../src/orchestrator/steps/failure.ts';
import { generateCandidate } from '../src/orchestrator/steps/generate.ts';
import { beginNight, finishNight, gatherNight, offlineNight } from '../src/orchestrator/steps/lifecycle.ts';
import type { NightDeps } from '../src/orchestrator/steps/night-deps.ts';
import { reviewCandidate } from '../src/orchestrator/steps/review.ts';
import { submitCandidate } from '../src/orchestrator/steps/submit.ts';
import { persistOwnerState } from './durable.actors.ts';
import { BrainError } from '../src/contract/errors.ts';

export interface OrchestratorCycleActorDeps {
  /** May be a lazy view (the daemon opens the database after the actors are built): read only when a step runs. */
  night: NightDeps;
  snapshots: MachineSnapshotsRepo;
  clock: Clock;
  log: Logger;
}

type StepInput = { cycleId: string; attempt: number; feedback: string | null };

export function orchestratorCycleActors(deps: OrchestratorCycleActorDeps) {
  const { night } = deps;
  const guarded = <I>(fn: (input: I) => Promise<StepOutcome>) =>
    fromPromise<StepOutcome, I>(async ({ input }) => {
      try {
        return await fn(input);
      } catch (err) {
        throw asStepFailure(err, deps.clock.now());
      }
    });
  return {
    persistState: persistOwnerState<CycleRecord['value'], CycleRecord['context']>({
      snapshots: deps.snapshots,
      clock: deps.clock,
      log: deps.log.child({ actor: ORCHESTRATOR_CYCLE_ACTOR_ID }),
      machine: 'orchestratorCycle',
      machineVersion: ORCHESTRATOR_CYCLE_MACHINE_VERSION,
      skip: (r) => r.value === 'resuming' || r.value === 'routing',
    }),
    restore: fromPromise<CycleRecord | null, void>(async () => {
      const row = deps.snapshots.get(ORCHESTRATOR_CYCLE_ACTOR_ID);
      if (!row) return null;
      if (row.machineVersion !== ORCHESTRATOR_CYCLE_MACHINE_VERSION) {
        throw new BrainError(
          `the persisted night was written by cycle machine v${row.machineVersion}, this build is v${ORCHESTRATOR_CYCLE_MACHINE_VERSION}: it is not resumed, nothing deploys; the next slot starts a new night`,
          { domain: 'orchestrator', code: 'machine_version', retryable: false },
        );
      }
      return row.snapshot as CycleRecord;
    }),
    begin: fromPromise<Began, { trigger: CycleTrigger; at: number }>(async ({ input }) =>
      beginNight(night, input.trigger, Math.max(input.at, deps.clock.now())),
    ),
    gather: guarded<StepInput>(({ cycleId }) => gatherNight(night, cycleId)),
    analyse: guarded<StepInput>(({ cycleId }) => analyseNight(night, cycleId)),
    generate: guarded<StepInput>(({ cycleId, attempt, feedback }) => generateCandidate(night, cycleId, attempt, feedback)),
    review: guarded<StepInput>(({ cycleId, attempt }) => reviewCandidate(night, cycleId, attempt)),
    submit: guarded<StepInput>(({ cycleId, attempt }) => submitCandidate(night, cycleId, attempt)),
    runOffline: guarded<{ cycleId: string; trigger: CycleTrigger }>(({ cycleId, trigger }) => offlineNight(night, cycleId, trigger)),
    runOfflineAlongside: fromPromise<void, { cycleId: string; trigger: CycleTrigger }>(async ({ input }) => {
      try {
        const r = await offlineNight(night, input.cycleId, input.trigger);
        deps.log.info({ cycleId: input.cycleId, result: r }, 'offline evolver ran alongside the model');
      } catch (err) {
        deps.log.warn(
          { cycleId: input.cycleId, err: asStepFailure(err, deps.clock.now()).message },
          'offline evolver alongside the model failed; the model night goes on',
        );
      }
    }),
    finish: fromPromise<void, { cycleId: string; outcome: NightOutcome; reason: string | null }>(async ({ input }) =>
      finishNight(night, input.cycleId, input.outcome, input.reason),
    ),
  };
}
