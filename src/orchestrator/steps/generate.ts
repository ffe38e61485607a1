/**
 * Generation: the generation model writes the candidate for the stored decision, seeing the parent, the
 * failures of this module and inspirations (best and most different earlier versions). Free checks come
 * before anything costs more: the answer parses, the edits apply, the code is what the decision says,
 * it is not a candidate that already failed, it asks for no credentials. What the generator can fix
 * goes back to it as a repair; a failed duplicate or a request for secrets ends the attempt.
 */
import type { StepOutcome } from '../../../machines/orchestrator-cycle-types.ts';
import { contentHash as pipelineHash } from '../../evolution/content.ts';
import { chooseInspirations } from '../context/inspirations.ts';
import { targetOf } from '../decisions.ts';
import { GenerationAnswerSchema } from '../prompts/answers.ts';
import { generationUser } from '../prompts/tasks.ts';
import { decisionOf } from './analyse.ts';
import { askModel } from './ask.ts';
import { asksForSecrets, contradiction, moduleMismatch } from './checks.ts';
import { applyEdits } from './edits.ts';
import { bundleOf, cycleOf } from './lifecycle.ts';
import type { NightDeps } from './night-deps.ts';
import { generationLimits, parseAnswer } from './parse.ts';
import { BrainError } from '../../contract/errors.ts';

export async function generateCandidate(d: NightDeps, cycleId: string, attempt: number, feedback: string | null): Promise<StepOutcome> {
  const decision = decisionOf(d, cycleId);
  const target = targetOf(decision.decision);
  if (!target)
    throw new BrainError(`night ${cycleId} decided no_change; there is nothing to generate`, {
      domain: 'orchestrator',
      code: 'out_of_order',
      retryable: false,
    });
  const parent = bundleOf(cycleOf(d, cycleId)).modules[target.name] ?? null;
  const failures = d.ports.ledger
    .failures(50)
    .filter((f) => f.kind === target.kind && f.name === target.name)
    .slice(0, 10);
  const inspirations = chooseInspirations(d.ports.ledger.candidates(target.kind, target.name, 50), parent?.versionId ?? null);
  const user = generationUser({
    decision: decision.decision,
    target,
    hypothesis: decision.hypothesis,
    reasoning: decision.reasoning,
    attempt,
    parent,
    failures,
    inspirations,
    feedback,
  });
  const asked = await askModel(d, { cycleId, step: 'generation', attempt, model: d.models.generation, user, schema: GenerationAnswerSchema });
  const at = d.clock.now();
  const repair = (reason: string): StepOutcome => ({ kind: 'repair', at, reason });
  const parsed = parseAnswer(GenerationAnswerSchema, asked.text, asked.stopReason, `generation attempt ${attempt}`);
  if (!parsed.ok) return repair(parsed.reason);
  const g = parsed.value;
  const secrets = asksForSecrets(`${g.summary}\n${g.source ?? ''}\n${g.edits.map((e) => e.replace).join('\n')}`);
  if (secrets) return { kind: 'refused', at, reason: `generation refused: ${secrets}` };
  const shape = generationLimits(g) ?? contradiction(decision.decision, target, g);
  if (shape) return repair(shape);
  let source = g.source ?? '';
  if (target.form === 'edits') {
    if (!parent)
      return { kind: 'refused', at, reason: `decision ${decision.decision} edits the current ${target.name}, but there is no current version to edit` };
    const edited = applyEdits(parent.source, g.edits);
    if (!edited.ok) return repair(edited.reason);
    source = edited.source;
  }
  const mismatch = moduleMismatch(decision.decision, target, source, parent?.source ?? null);
  if (mismatch) return repair(mismatch);
  // The pipeline's hash, so the ledger's earlier verdicts are found before anything is paid for.
  const contentHash = pipelineHash(target.kind, target.name, source);
  const previous = cycleOf(d, cycleId).candidateSha256;
  if (attempt > 1 && previous === contentHash) return repair(`the code is the same as the previous attempt's, which was refused: ${feedback ?? 'see above'}`);
  const earlier = d.ports.ledger.byContentHash(contentHash);
  if (earlier)
    return {
      kind: 'refused',
      at,
      reason: `the candidate is identical to one tried before (${earlier.contentHash.slice(0, 12)}, ended at ${earlier.stage}: ${earlier.reason ?? 'no reason recorded'}); it is not evaluated again`,
    };
  d.cycles.update(cycleId, { candidateSource: source, candidateSha256: contentHash, parentVersionId: parent?.versionId ?? null });
  return { kind: 'ok', at };
}
