/**
 * What a test (or the demo's scripted night) tells the fake to answer, one reply per /v1/messages call
 * in order: an answer (JSON for structured output, or raw text to play a model that breaks the format),
 * or an API error with the real body and headers. Any reply may be slow: it is held until the injected
 * clock has moved `delayMs` past its arrival.
 */
export type ErrorStatus = 400 | 401 | 404 | 429 | 500 | 529;

export type FakeReply =
  | { kind: 'answer'; text: string; thinking?: string; thinkingTokens?: number; delayMs?: number; stopReason?: 'refusal' }
  | { kind: 'error'; status: ErrorStatus; message?: string; retryAfterSeconds?: number; delayMs?: number };

export interface AnswerOptions {
  /** A summarised thinking block returned before the answer. */
  thinking?: string;
  /** Output tokens spent on reasoning (billed as output, reported in output_tokens_details). */
  thinkingTokens?: number;
  delayMs?: number;
  /** The model declined (stop_reason 'refusal'). */
  stopReason?: 'refusal';
}

export const reply = {
  /** A structured answer: the JSON text of `value`. */
  json: (value: unknown, o: AnswerOptions = {}): FakeReply => ({ kind: 'answer', text: JSON.stringify(value), ...o }),
  /** Any text at all, e.g. prose where JSON was asked for, or a truncated object. */
  text: (text: string, o: AnswerOptions = {}): FakeReply => ({ kind: 'answer', text, ...o }),
  error: (status: ErrorStatus, o: { message?: string; retryAfterSeconds?: number; delayMs?: number } = {}): FakeReply => ({ kind: 'error', status, ...o }),
};

export const ERROR_TYPES: Record<ErrorStatus, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export const DEFAULT_ERROR_MESSAGES: Record<ErrorStatus, string> = {
  400: 'invalid request',
  401: 'invalid x-api-key',
  404: 'model not found',
  429: 'Number of request tokens has exceeded your per-minute rate limit',
  500: 'Internal server error',
  529: 'Overloaded',
};
