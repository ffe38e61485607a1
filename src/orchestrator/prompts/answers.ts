/**
 * The structured answers of the three steps, as zod schemas. They are kept small: the API compiles the
 * JSON schema into a grammar (big schemas fail, evolution.md §2.3) and ignores numeric and length
 * ranges, so the limits live in ANSWER_LIMITS and are checked after parsing (steps/parse.ts).
 */
import { z } from 'zod';
import { DECISIONS } from '../decisions.ts';

export const AnalysisAnswerSchema = z.object({
  observation: z.string().describe("The night's entry in the fund's memory: what was seen and concluded"),
  decision: z.enum(DECISIONS),
  hypothesis: z.string().describe('For a change: what it is expected to do and what would show it did not work; empty for no_change'),
  reasoning: z.string(),
});
export type AnalysisAnswer = z.infer<typeof AnalysisAnswerSchema>;

export const EditSchema = z.object({
  search: z.string().describe('Text that occurs exactly once in the current source'),
  replace: z.string(),
});
export type Edit = z.infer<typeof EditSchema>;

export const GenerationAnswerSchema = z.object({
  summary: z.string().describe('What the code changes'),
  edits: z.array(EditSchema).describe('strategy_tweak: the search/replace blocks; otherwise empty'),
  source: z.string().nullable().describe('strategy_restructure and statistics updates: the whole module; null for a tweak'),
});
export type GenerationAnswer = z.infer<typeof GenerationAnswerSchema>;

export const ReviewAnswerSchema = z.object({
  verdict: z.enum(['approve', 'revise', 'reject']),
  concerns: z.array(z.string()),
  summary: z.string(),
});
export type ReviewAnswer = z.infer<typeof ReviewAnswerSchema>;

/** Limits checked after parsing, in characters or items. */
export const ANSWER_LIMITS = {
  answerChars: 200_000,
  observation: 4_000,
  hypothesis: 2_000,
  reasoning: 8_000,
  summary: 2_000,
  edits: 20,
  editChars: 16_000,
  concerns: 20,
  concernChars: 1_000,
} as const;
