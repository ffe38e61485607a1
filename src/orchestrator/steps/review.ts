/**
 * Review: the review model reads the diff of the candidate against its parent with the hypothesis and
 * the rigid sections of the context. Approve goes on to the pipeline; revise goes back to the generator
 * with the concerns; reject, or an answer that cannot be read, ends the attempt (nothing unreviewed is
 * submitted).
 */
import type { StepOutcome } from '../../../machines/orchestrator-cycle-types.ts';
import { lineDiff } from '../../versions/diff.ts';
import { targetOf } from '../decisions.ts';
import { ReviewAnswerSchema } from '../prompts/answers.ts';
import { reviewUser } from '../prompts/tasks.ts';
import { decisionOf } from './analyse.ts';
import { askModel } from './ask.ts';
import { bundleOf, cycleOf } from './lifecycle.ts';
import type { NightDeps } from './night-deps.ts';
import { parseAnswer, reviewLimits } from './parse.ts';
import { GenerationAnswerSchema } from '../prompts/answers.ts';
import { answerText } from './night-deps.ts';
import { BrainError } from '../../contract/errors.ts';

/** What the generator said its code changes (its answer for this attempt). */
function summaryOf(d: NightDeps, cycleId: string, attempt: number): string {
  const a = d.cycles.answer(cycleId, 'generation', attempt);
  const parsed = a ? parseAnswer(GenerationAnswerSchema, answerText(a), a.stopReason, 'generation') : null;
  return parsed?.ok ? parsed.value.summary : '(no summary)';
}

const REVIEWED_KINDS = new Set(['truth_benchmarks', 'system_constraints']);

export async function reviewCandidate(d: NightDeps, cycleId: string, attempt: number): Promise<StepOutcome> {
  const c = cycleOf(d, cycleId);
  const decision = decisionOf(d, cycleId);
  const target = targetOf(decision.decision)!;
  if (c.candidateSource === null)
    throw new BrainError(`night ${cycleId} has no candidate to review; generation must come first`, {
      domain: 'orchestrator',
      code: 'out_of_order',
      retryable: false,
    });
  const bundle = bundleOf(c);
  const parent = bundle.modules[target.name];
  const summary = summaryOf(d, cycleId, attempt);
  const user = reviewUser({
    decision: decision.decision,
    target,
    hypothesis: decision.hypothesis,
    summary,
    attempt,
    diff: lineDiff(parent?.source ?? '', c.candidateSource),
    sections: bundle.sections.filter((s) => REVIEWED_KINDS.has(s.kind)),
  });
  const asked = await askModel(d, { cycleId, step: 'review', attempt, model: d.models.review, user, schema: ReviewAnswerSchema });
  const at = d.clock.now();
  const parsed = parseAnswer(ReviewAnswerSchema, asked.text, asked.stopReason, `review attempt ${attempt}`);
  if (!parsed.ok) return { kind: 'refused', at, reason: `review unreadable, so nothing is submitted: ${parsed.reason}` };
  const r = parsed.value;
  const limit = reviewLimits(r);
  if (limit) return { kind: 'refused', at, reason: `review refused: ${limit}` };
  const concerns = r.concerns.map((x, i) => `${i + 1}. ${x}`).join('\n');
  if (r.verdict === 'approve') return { kind: 'ok', at };
  if (r.verdict === 'revise') return { kind: 'repair', at, reason: `the reviewer asks for a revision: ${r.summary}\n${concerns}` };
  return { kind: 'refused', at, reason: `the reviewer rejected the candidate: ${r.summary}\n${concerns}` };
}
