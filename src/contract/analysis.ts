/**
 * Statistics modules (statistics/active/*.ts): declarative read-only queries answered by the host
 * on a read-only SQLite connection, then a pure `analyze` over the rows. No async, no I/O in the
 * guest: the host runs the SQL (PRAGMA query_only, row and time limits) and passes plain rows in.
 */
import { z } from 'zod';

export const AnalysisQuerySchema = z.strictObject({
  sql: z.string().min(1).max(4000),
  params: z
    .array(z.union([z.string(), z.number(), z.null()]))
    .max(20)
    .default([]),
  /** The host caps this again with its own limit. */
  maxRows: z.number().int().min(1).max(50_000).default(5_000),
});
export type AnalysisQuery = z.infer<typeof AnalysisQuerySchema>;

export const AnalysisMetaSchema = z.strictObject({
  name: z.string().min(1).max(60),
  version: z.string().min(1).max(40),
  description: z.string().max(2000).default(''),
  queries: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/), AnalysisQuerySchema),
});
export type AnalysisMeta = z.infer<typeof AnalysisMetaSchema>;

export type SqlValue = string | number | null;
export type Row = Readonly<Record<string, SqlValue>>;

/** A JSON-safe report: what the orchestrator reads. Validated by the host; capped at 64 KB. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string().max(4000),
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema).max(2000),
    z.record(z.string().max(100), JsonValueSchema),
  ]),
);

export const AnalysisReportSchema = z.strictObject({
  summary: z.string().max(4000),
  metrics: z.record(z.string().max(100), z.number().finite()).default({}),
  details: JsonValueSchema.optional(),
});
export type AnalysisReport = z.infer<typeof AnalysisReportSchema>;

export interface AnalysisModule {
  readonly meta: AnalysisMeta;
  analyze(results: Readonly<Record<string, readonly Row[]>>): z.input<typeof AnalysisReportSchema>;
}
