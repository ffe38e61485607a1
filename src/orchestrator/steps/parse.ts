/**
 * From a stored model answer to a typed value, or a refusal that says exactly what was wrong: cut at
 * max_tokens (truncated JSON), refused by the model, not JSON, the wrong shape, or over a limit. Nothing
 * is acted on before it passes here (bad model output is an expected refusal, never an exception).
 */
import { z } from 'zod';
import { ANSWER_LIMITS, type AnalysisAnswer, type GenerationAnswer, type ReviewAnswer } from '../prompts/answers.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const excerpt = (text: string) => JSON.stringify(text.slice(0, 120)) + (text.length > 120 ? '…' : '');

export function parseAnswer<S extends z.ZodType>(schema: S, text: string, stopReason: string | null, what: string): Parsed<z.infer<S>> {
  if (stopReason === 'max_tokens')
    return {
      ok: false,
      reason: `${what} was cut at max_tokens (orchestrator.maxTokens): the JSON is truncated (${text.length} characters, ends ${excerpt(text.slice(-60))})`,
    };
  if (stopReason === 'refusal') return { ok: false, reason: `${what}: the model declined to answer` };
  if (text.length > ANSWER_LIMITS.answerChars)
    return { ok: false, reason: `${what} is ${text.length} characters; answers are capped at ${ANSWER_LIMITS.answerChars}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${what} is not JSON: ${excerpt(text)}` };
  }
  const r = schema.safeParse(json);
  if (!r.success) return { ok: false, reason: `${what} does not match its schema: ${z.prettifyError(r.error).replace(/\n/g, '; ').slice(0, 600)}` };
  return { ok: true, value: r.data as z.infer<S> };
}

function over(field: string, value: string, limit: number): string | null {
  return value.length > limit ? `${field} is ${value.length} characters; the limit is ${limit}` : null;
}

export function analysisLimits(a: AnalysisAnswer): string | null {
  if (a.observation.trim() === '') return 'the analysis has an empty observation';
  if (a.decision !== 'no_change' && a.hypothesis.trim() === '') return `decision ${a.decision} comes without a hypothesis`;
  return (
    over('observation', a.observation, ANSWER_LIMITS.observation) ??
    over('hypothesis', a.hypothesis, ANSWER_LIMITS.hypothesis) ??
    over('reasoning', a.reasoning, ANSWER_LIMITS.reasoning)
  );
}

export function generationLimits(g: GenerationAnswer): string | null {
  if (g.edits.length > ANSWER_LIMITS.edits) return `the answer has ${g.edits.length} edits; the limit is ${ANSWER_LIMITS.edits}`;
  const long = g.edits.findIndex((e) => e.search.length + e.replace.length > ANSWER_LIMITS.editChars);
  if (long >= 0) return `edit ${long + 1} is longer than ${ANSWER_LIMITS.editChars} characters`;
  return over('summary', g.summary, ANSWER_LIMITS.summary);
}

export function reviewLimits(r: ReviewAnswer): string | null {
  if (r.concerns.length > ANSWER_LIMITS.concerns) return `the review lists ${r.concerns.length} concerns; the limit is ${ANSWER_LIMITS.concerns}`;
  const long = r.concerns.find((c) => c.length > ANSWER_LIMITS.concernChars);
  return long ? `a concern is ${long.length} characters; the limit is ${ANSWER_LIMITS.concernChars}` : over('summary', r.summary, ANSWER_LIMITS.summary);
}
