/**
 * Analysis: the analysis model reads the stored context and decides. Its observation is the night's one
 * entry in memory; the decision and hypothesis are stored with the night. An answer that cannot be read,
 * breaks a limit or asks for credentials ends the night refused with the reason (nothing else happens).
 */
import type { StepOutcome } from '../../../machines/orchestrator-cycle-types.ts';
import { AnalysisAnswerSchema, type AnalysisAnswer } from '../prompts/answers.ts';
import { analysisUser } from '../prompts/tasks.ts';
import { askModel } from './ask.ts';
import { asksForSecrets } from './checks.ts';
import { bundleOf, cycleOf } from './lifecycle.ts';
import type { NightDeps } from './night-deps.ts';
import { analysisLimits, parseAnswer } from './parse.ts';
import { BrainError } from '../../contract/errors.ts';

/** The stored decision of a night (orchestrator_cycles.decision). */
export type StoredDecision = AnalysisAnswer;

export async function analyseNight(d: NightDeps, cycleId: string): Promise<StepOutcome> {
  const bundle = bundleOf(cycleOf(d, cycleId));
  const asked = await askModel(d, {
    cycleId,
    step: 'analysis',
    attempt: 1,
    model: d.models.analysis,
    user: analysisUser(bundle.sections),
    schema: AnalysisAnswerSchema,
  });
  const at = d.clock.now();
  const parsed = parseAnswer(AnalysisAnswerSchema, asked.text, asked.stopReason, 'the analysis answer');
  if (!parsed.ok) return { kind: 'refused', at, reason: parsed.reason };
  const a = parsed.value;
  const problem = analysisLimits(a) ?? asksForSecrets(`${a.observation}\n${a.hypothesis}\n${a.reasoning}`);
  if (problem) return { kind: 'refused', at, reason: `analysis refused: ${problem}` };
  d.cycles.update(cycleId, { decision: a as never });
  d.cycles.recordNight({ cycleId, time: at, content: a.observation, details: { decision: a.decision, hypothesis: a.hypothesis } });
  return a.decision === 'no_change' ? { kind: 'noChange', at } : { kind: 'ok', at };
}

export function decisionOf(d: NightDeps, cycleId: string): StoredDecision {
  const c = cycleOf(d, cycleId);
  if (!c.decision)
    throw new BrainError(`night ${cycleId} has no stored decision; analysis must come first`, {
      domain: 'orchestrator',
      code: 'out_of_order',
      retryable: false,
    });
  return c.decision as unknown as StoredDecision;
}
