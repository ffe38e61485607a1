/**
 * How a failure becomes an operator alert: the words say what failed and what happens next, the
 * ErrorInfo rides along whole, so the alert text, the log and the console all show the same code and
 * retry verdict the thrower set (a Kraken rate limit stays `kraken.rate_limited`, retryable).
 */
import { describeError, type ErrorInfo } from '../src/contract/errors.ts';

export interface AlertBody {
  message: string;
  /** The failure behind the alert, when there is one. */
  error?: ErrorInfo;
}

/** `what` names the failed thing and its consequence; the error's code and words follow. */
export function failureAlert(what: string, error: ErrorInfo): AlertBody {
  return { message: `${what}: ${describeError(error)}`, error };
}
