/**
 * grammY's errors in the shared shape: what the outbox stores and logs for a message it could not send.
 * A refusal Telegram will repeat (bad request, blocked, chat gone) is not retryable; a flood wait, a 5xx
 * or a network failure is.
 */
import { GrammyError, HttpError } from 'grammy';
import { toErrorInfo, type ErrorInfo } from '../contract/errors.ts';

/** Bot API answers that sending the same message again cannot change. */
export const PERMANENT_TELEGRAM_CODES: ReadonlySet<number> = new Set([400, 401, 403, 404]);

export function telegramErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof GrammyError) {
    const message = `${err.method} ${err.error_code}: ${err.description}`;
    if (PERMANENT_TELEGRAM_CODES.has(err.error_code)) return { code: 'telegram.refused', message, retryable: false };
    if (err.error_code === 429) return { code: 'telegram.rate_limited', message, retryable: true };
    return { code: 'telegram.api_error', message, retryable: true };
  }
  if (err instanceof HttpError) return { code: 'telegram.network', message: `network: ${err.message}`, retryable: true };
  return toErrorInfo(err);
}
