/**
 * One error class per sandbox failure domain. Expected refusals of untrusted code (gate rejections,
 * invalid decisions) are values with typed reasons, not exceptions; these classes are for the runtime
 * itself failing (child crash, deadline, protocol violation, budget spent).
 */
import { BrainError } from '../contract/errors.ts';
export type SandboxErrorCode =
  | 'child_exited'
  | 'deadline'
  | 'bad_frame'
  | 'output_too_large'
  | 'guest_error'
  | 'restart_budget_spent'
  | 'not_ready'
  | 'closed'
  /** The child holding a request's state (a dataset) was replaced; load the state again and retry. */
  | 'child_restarted';

export class SandboxError extends BrainError<SandboxErrorCode> {
  override readonly name = 'SandboxError';
  constructor(code: SandboxErrorCode, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, { domain: 'sandbox', code, retryable, cause: options?.cause });
  }
}

export type StatisticsErrorCode =
  | 'query_refused'
  | 'query_failed'
  | 'too_many_rows'
  | 'query_timeout'
  | 'query_process'
  | 'invalid_report'
  | 'report_too_large';

/** A statistics run failed; `queryKey` names the module's query when the failure is one query's. */
export class StatisticsError extends BrainError<StatisticsErrorCode> {
  override readonly name = 'StatisticsError';
  constructor(
    code: StatisticsErrorCode,
    readonly queryKey: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    // Not retryable: the same query on the same rows times out or is refused again, and a query process that
    // does not start (no Deno, no isolation) needs an operator; the next night runs the statistics afresh.
    super(message, { domain: 'statistics', code, retryable: false, cause: options?.cause, details: { query: queryKey } });
  }
}
