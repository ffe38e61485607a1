/**
 * Submission: the reviewed candidate goes to the evolution pipeline through the injected port, the only
 * way anything written tonight can reach the market. The outcome is stored before it is acted on; a
 * submission interrupted by a restart is marked pending first, so when the pipeline then answers
 * 'duplicate' for our own candidate the night knows it went through. A refusal by the static gates
 * (type check included) goes back to the generator as a repair; any other refusal ends the attempt.
 */
import type { StepOutcome } from '../../../machines/orchestrator-cycle-types.ts';
import type { JsonValue } from '../../contract/index.ts';
import { targetOf } from '../decisions.ts';
import type { SubmissionOutcome } from '../pipeline-port.ts';
import { decisionOf } from './analyse.ts';
import { cycleOf } from './lifecycle.ts';
import type { NightDeps } from './night-deps.ts';
import { BrainError } from '../../contract/errors.ts';

type StoredSubmission = (SubmissionOutcome | { status: 'pending' }) & { attempt: number };

/** " (ledger #12)", or nothing from a pipeline without a ledger. */
const ledger = (id: number) => (id > 0 ? ` (ledger #${id})` : '');

function outcomeOf(o: SubmissionOutcome, resumed: boolean, at: number): StepOutcome {
  switch (o.status) {
    case 'paperTest':
      return { kind: 'submitted', at, summary: `paper test ${o.paperTestId} scheduled for ${o.versionId}${ledger(o.ledgerId)}` };
    case 'accepted':
      return {
        kind: 'submitted',
        at,
        summary: `statistics version ${o.versionId} accepted, used from ${new Date(o.effectiveFrom).toISOString()}${ledger(o.ledgerId)}`,
      };
    case 'duplicate':
      if (resumed)
        return { kind: 'submitted', at, summary: `submitted before a restart; the pipeline holds it at ${o.earlier.stage}${ledger(o.earlier.ledgerId)}` };
      return {
        kind: 'refused',
        at,
        reason: `the pipeline already knows this candidate${ledger(o.earlier.ledgerId)}, ${o.earlier.stage}: ${o.earlier.reason ?? 'no reason recorded'}`,
      };
    case 'refused':
      if (o.stage === 'static') return { kind: 'repair', at, reason: `the static gates refused the candidate (${o.failedGate}): ${o.reason}` };
      return { kind: 'refused', at, reason: `the pipeline refused the candidate at ${o.stage}/${o.failedGate}: ${o.reason}${ledger(o.ledgerId)}` };
  }
}

export async function submitCandidate(d: NightDeps, cycleId: string, attempt: number): Promise<StepOutcome> {
  const c = cycleOf(d, cycleId);
  const stored = c.submission as StoredSubmission | null;
  if (stored && stored.attempt === attempt && stored.status !== 'pending') return outcomeOf(stored, false, d.clock.now());
  const resumed = stored?.status === 'pending' && stored.attempt === attempt;
  const decision = decisionOf(d, cycleId);
  const target = targetOf(decision.decision)!;
  const generation = d.cycles.answer(cycleId, 'generation', attempt);
  if (c.candidateSource === null || !generation)
    throw new BrainError(`night ${cycleId} has no generated candidate for attempt ${attempt} to submit`, {
      domain: 'orchestrator',
      code: 'out_of_order',
      retryable: false,
    });
  d.cycles.update(cycleId, { submission: { status: 'pending', attempt } });
  const outcome = await d.ports.submitCandidate({
    kind: target.kind,
    name: target.name,
    source: c.candidateSource,
    parentVersionId: c.parentVersionId,
    hypothesis: decision.hypothesis,
    origin: { kind: 'model', model: generation.model, promptHash: generation.promptSha256 ?? '', cycleId },
  });
  d.cycles.update(cycleId, { submission: { ...outcome, attempt } as unknown as JsonValue });
  d.log.info({ cycleId, attempt, status: outcome.status }, 'candidate submitted to the pipeline');
  return outcomeOf(outcome, resumed, d.clock.now());
}
