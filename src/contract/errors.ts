/**
 * One shape for every failure in the shell. A thrown error is a `BrainError`: a `domain` (kraken, db,
 * sandbox …), a `code` unique within it that callers branch on, a message for a person, and whether
 * retrying the same thing can help. What crosses an actor boundary, a persisted snapshot, a log line or
 * an alert is its `ErrorInfo` — plain JSON, so machines' context stays serialisable and the code and
 * retry flag arrive intact instead of being flattened into a sentence on the way.
 *
 * Lives in the contract because machines may import only src/contract, src/trading and src/clock.
 */

/** The plain, serialisable form of a failure. `code` is qualified: `<domain>.<code>`, e.g. `kraken.rate_limited`. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** Facts safe to log and alert: never a key, a secret, a signature or a whole request body. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

export interface BrainErrorInit<C extends string> {
  /** The failure domain, usually the folder: 'kraken', 'db', 'sandbox', 'config' … */
  domain: string;
  code: C;
  /** True only when sending the same request again, unchanged, may succeed (a rate limit, a timeout). */
  retryable: boolean;
  cause?: unknown;
  details?: ErrorDetails;
}

export class BrainError<C extends string = string> extends Error {
  override readonly name: string = 'BrainError';
  readonly domain: string;
  readonly code: C;
  readonly retryable: boolean;
  readonly details: ErrorDetails | undefined;

  constructor(message: string, init: BrainErrorInit<C>) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.domain = init.domain;
    this.code = init.code;
    this.retryable = init.retryable;
    this.details = init.details;
  }

  /** The code as it travels: `<domain>.<code>`. */
  get qualifiedCode(): string {
    return `${this.domain}.${this.code}`;
  }

  toInfo(): ErrorInfo {
    return { code: this.qualifiedCode, message: this.message, retryable: this.retryable };
  }
}

/** The code of a failure that is not a BrainError (a library's Error, a thrown string): a bug to wrap. */
export const UNEXPECTED_CODE = 'unexpected';
/** The code given to a reason persisted as a bare string before failures had a shape. */
export const LEGACY_CODE = 'legacy';

/** Checked by hand, not by a zod schema: every CLI command imports this file, `brain help` included, and zod is not light. */
export function isErrorInfo(value: unknown): value is ErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['code'] === 'string' && v['code'].length > 0 && typeof v['message'] === 'string' && typeof v['retryable'] === 'boolean';
}

/**
 * Whatever was thrown or received, as an ErrorInfo. A non-BrainError is `unexpected` and not retryable:
 * nothing says retrying helps, so nothing retries it blindly.
 */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof BrainError) return err.toInfo();
  if (isErrorInfo(err)) return { code: err.code, message: err.message, retryable: err.retryable };
  if (err instanceof Error) {
    const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
    return { code: UNEXPECTED_CODE, message: `${name}${err.message}`, retryable: false };
  }
  return { code: UNEXPECTED_CODE, message: String(err), retryable: false };
}

/**
 * Reads a failure stored by an older version: a bare string becomes a `legacy` ErrorInfo, so a restart
 * on an old database keeps the words instead of crashing on the new shape.
 */
export function readErrorInfo(stored: unknown): ErrorInfo {
  if (typeof stored === 'string') return { code: LEGACY_CODE, message: stored, retryable: false };
  return toErrorInfo(stored);
}

/** One line for logs and alerts: the code first (what to search for), the retry verdict, then the words. */
export function describeError(info: ErrorInfo): string {
  return `[${info.code}${info.retryable ? ', retryable' : ''}] ${info.message}`;
}

/**
 * The inverse of describeError, for a failure that crossed a channel carrying only text (a BullMQ job's
 * failedReason); text without the leading code is read as `unexpected`.
 */
export function parseDescribedError(text: string): ErrorInfo {
  const m = /^\[([\w.]+)(, retryable)?\] ([\s\S]*)$/.exec(text);
  return m ? { code: m[1]!, message: m[3]!, retryable: m[2] !== undefined } : { code: UNEXPECTED_CODE, message: text, retryable: false };
}
