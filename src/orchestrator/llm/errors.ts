/**
 * One error type for everything a model call can run into, in the grammY style (style.md): a `code` the
 * cycle branches on, `retryable` (try again later inside the night's window) and `retryAfterMs` from
 * the API's retry-after, never a secret in the message.
 */
// The errors' own module: the SDK's index (~40 MB) loads only when a call is made (client.ts).
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { BrainError } from '../../contract/errors.ts';

export type LlmErrorCode =
  | 'overloaded'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'auth'
  | 'bad_request'
  | 'over_budget'
  | 'prompt_too_long'
  | 'secret_in_prompt';

const RETRYABLE = new Set<LlmErrorCode>(['overloaded', 'rate_limited', 'server', 'timeout', 'connection']);

export class LlmError extends BrainError<LlmErrorCode> {
  override readonly name = 'LlmError';
  constructor(
    code: LlmErrorCode,
    message: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, { domain: 'llm', code, retryable: RETRYABLE.has(code), cause: options?.cause });
  }
}

function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = Number(headers?.get('retry-after-ms'));
  if (ms > 0) return ms;
  const s = Number(headers?.get('retry-after'));
  return s > 0 ? s * 1000 : null;
}

function codeOfStatus(status: number): LlmErrorCode {
  if (status === 529) return 'overloaded';
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  return status >= 500 ? 'server' : 'bad_request';
}

/** The SDK's error (after its own retries) as an LlmError; `what` names the call, e.g. "analysis call to claude-x". */
export function toLlmError(err: unknown, what: string, timedOut: boolean): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof APIUserAbortError || err instanceof APIConnectionTimeoutError || timedOut) {
    return new LlmError('timeout', `${what} got no answer within the call timeout (orchestrator.client.timeoutSeconds)`, null, { cause: err });
  }
  if (err instanceof APIConnectionError) return new LlmError('connection', `${what} could not reach the API: ${err.message}`, null, { cause: err });
  if (err instanceof APIError && typeof err.status === 'number') {
    const code = codeOfStatus(err.status);
    const hint = code === 'auth' ? '; check ANTHROPIC_API_KEY' : '';
    return new LlmError(
      code,
      `${what} failed with HTTP ${err.status} ${err.type ?? ''}: ${err.apiMessage ?? err.message}${hint}`,
      retryAfterMs(err.headers as Headers | undefined),
      { cause: err },
    );
  }
  return new LlmError('bad_request', `${what} failed: ${err instanceof Error ? err.message : String(err)}`, null, { cause: err });
}
