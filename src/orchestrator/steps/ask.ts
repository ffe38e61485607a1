/**
 * One model call of the night, paid for at most once: the answer stored for cycle + step + attempt is
 * read back when there is one (a restarted night); otherwise the call is made and its whole response is
 * stored, with tokens and cost, before anything acts on it.
 */
import type { z } from 'zod';
import type { StoredAnswer } from '../../db/orchestrator-cycles.repo.ts';
import { answerText, maxInputTokens, type NightDeps } from './night-deps.ts';
import { BrainError } from '../../contract/errors.ts';

export interface Question {
  cycleId: string;
  step: 'analysis' | 'generation' | 'review';
  attempt: number;
  model: string;
  user: string;
  schema: z.ZodType;
}

export interface Asked {
  text: string;
  stopReason: string | null;
  answer: StoredAnswer;
  /** True when the answer was read back from an earlier run of this step. */
  fromStore: boolean;
}

export async function askModel(d: NightDeps, q: Question): Promise<Asked> {
  const stored = d.cycles.answer(q.cycleId, q.step, q.attempt);
  if (stored) {
    d.log.info({ cycleId: q.cycleId, step: q.step, attempt: q.attempt }, 'answer read back from the spool; not paid for again');
    return { text: answerText(stored), stopReason: stored.stopReason, answer: stored, fromStore: true };
  }
  if (!d.llm)
    throw new BrainError(`${q.step} needs a model, but no ANTHROPIC_API_KEY is configured; the offline evolver runs such nights`, {
      domain: 'orchestrator',
      code: 'no_model',
      retryable: false,
    });
  const a = await d.llm.call({
    cycleId: q.cycleId,
    step: q.step,
    model: q.model,
    system: d.prefix,
    user: q.user,
    schema: q.schema,
    maxInputTokens: maxInputTokens(d),
  });
  const u = a.usage;
  const answer = d.cycles.storeAnswer({
    cycleId: q.cycleId,
    step: q.step,
    attempt: q.attempt,
    time: d.clock.now(),
    model: a.model,
    content: a.raw,
    inputTokens: u.inputTokens,
    outputTokens: u.outputTokens,
    cacheReadTokens: u.cacheReadTokens,
    cacheWriteTokens: u.cacheWrite1hTokens + u.cacheWrite5mTokens,
    costUsd: a.costUsd,
    stopReason: a.stopReason,
    promptSha256: a.promptSha256,
  });
  d.log.info({ cycleId: q.cycleId, step: q.step, attempt: q.attempt, costUsd: a.costUsd, cacheRead: u.cacheReadTokens }, 'model answer stored');
  return { text: a.text, stopReason: a.stopReason, answer, fromStore: false };
}
