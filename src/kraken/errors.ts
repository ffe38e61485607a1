/**
 * The Kraken failure domain: every failure of a REST or WS call becomes one KrakenError whose `kind`
 * tells the caller what to do (reference/kraken-api.md §3). Messages never contain keys or signatures.
 */
import { BrainError } from '../contract/errors.ts';

/**
 * - `retryable`: transient; the same call may be sent again (after `retryAfterMs` when set).
 * - `bug`: our request or the venue's reply is malformed; retrying cannot help.
 * - `orderMayExist`: an order-placing call failed after it may have reached the venue (DESIGN inv. 4):
 *   reconcile by cl_ord_id, never resubmit blindly.
 * - `auth`: key, signature or permission problem; needs an operator.
 * - `rateLimit`: a venue counter is full; wait `retryAfterMs`.
 * - `unavailable`: the venue is offline, busy or in a restricted mode.
 * - `rejected`: the venue refused a valid request (funds, minimums, unknown order).
 */
export type KrakenErrorKind = 'retryable' | 'bug' | 'orderMayExist' | 'auth' | 'rateLimit' | 'unavailable' | 'rejected';

export interface KrakenErrorInit {
  kind: KrakenErrorKind;
  /** The venue's `E…` string, or a transport code: TIMEOUT, NETWORK, HTTP_<status>, NOT_JSON, PARSE, ABORTED. */
  venueCode: string;
  endpoint: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The shared error code of each kind: what travels to the machines and the alerts as `kraken.<code>`. */
export const KRAKEN_CODES = {
  retryable: 'transient',
  bug: 'bad_request',
  orderMayExist: 'order_may_exist',
  auth: 'auth',
  rateLimit: 'rate_limited',
  unavailable: 'unavailable',
  rejected: 'rejected',
} as const satisfies Record<KrakenErrorKind, string>;

export type KrakenErrorCode = (typeof KRAKEN_CODES)[KrakenErrorKind];

function retryableKind(kind: KrakenErrorKind, retryAfterMs: number | undefined): boolean {
  return kind === 'retryable' || kind === 'rateLimit' || (kind === 'unavailable' && retryAfterMs !== undefined);
}

export class KrakenError extends BrainError<KrakenErrorCode> {
  override readonly name = 'KrakenError';
  readonly kind: KrakenErrorKind;
  /** The venue's own words (`EOrder:Insufficient funds`) or the transport code; `code` is the kind's. */
  readonly venueCode: string;
  readonly endpoint: string;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: KrakenErrorInit) {
    super(message, {
      domain: 'kraken',
      code: KRAKEN_CODES[init.kind],
      retryable: retryableKind(init.kind, init.retryAfterMs),
      cause: init.cause,
      details: { endpoint: init.endpoint, venueCode: init.venueCode, retryAfterMs: init.retryAfterMs ?? null },
    });
    this.kind = init.kind;
    this.venueCode = init.venueCode;
    this.endpoint = init.endpoint;
    this.retryAfterMs = init.retryAfterMs;
  }
}

interface Rule {
  match: (code: string) => boolean;
  kind: KrakenErrorKind;
  retryAfterMs?: (code: string) => number | undefined;
}

const has = (s: string) => (code: string) => code.includes(s);

/** Ordered: the first match wins; matching is by substring because Kraken appends details. */
const RULES: readonly Rule[] = [
  { match: has('EAPI:Invalid nonce'), kind: 'retryable' },
  { match: has('EAPI:Invalid key'), kind: 'auth' },
  { match: has('EAPI:Invalid signature'), kind: 'auth' },
  { match: has('Permission denied'), kind: 'auth' },
  { match: has('Temporary lockout'), kind: 'auth' },
  { match: has('ESession:Invalid session'), kind: 'auth' },
  { match: has('Rate limit exceeded'), kind: 'rateLimit', retryAfterMs: () => 5_000 },
  { match: has('Too many requests'), kind: 'rateLimit', retryAfterMs: () => 5_000 },
  { match: has('Throttled'), kind: 'rateLimit', retryAfterMs: () => 2_000 },
  { match: has('EService:Unavailable'), kind: 'unavailable', retryAfterMs: () => 2_000 },
  { match: has('EService:Busy'), kind: 'unavailable', retryAfterMs: () => 1_000 },
  { match: has('_only mode'), kind: 'unavailable' },
  { match: has('Deadline elapsed'), kind: 'retryable' },
  { match: has('Internal error'), kind: 'retryable' },
  { match: has('EGeneral:Invalid arguments'), kind: 'bug' },
  { match: has('EQuery:'), kind: 'bug' },
  { match: has('EOrder:'), kind: 'rejected' },
];

export interface ClassifyOptions {
  /** True for calls that create orders: a server fault then means the order may exist. */
  placesOrder?: boolean;
}

/** Maps a venue error string (REST `error[]` entry or WS `error`) to a typed error. */
export function venueError(code: string, endpoint: string, opts: ClassifyOptions = {}): KrakenError {
  const rule = RULES.find((r) => r.match(code));
  let kind: KrakenErrorKind = rule?.kind ?? 'bug';
  if (opts.placesOrder && code.includes('Internal error')) kind = 'orderMayExist';
  const retryAfterMs = rule?.retryAfterMs?.(code);
  const hint = HINTS[kind];
  return new KrakenError(`Kraken ${endpoint} failed: ${code} (${hint})`, {
    kind,
    venueCode: code,
    endpoint,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * A failure in the venue's own words that is not an `E<Category>:` code (Kraken sends e.g.
 * "Something went wrong" with a null result). Nothing says what happened, so an order-placing call
 * may have placed its order; any other call may be asked again.
 */
export function unexplainedVenueError(text: string, endpoint: string, opts: ClassifyOptions = {}): KrakenError {
  const kind: KrakenErrorKind = opts.placesOrder ? 'orderMayExist' : 'retryable';
  return new KrakenError(`Kraken ${endpoint} failed: ${text} (${HINTS[kind]})`, { kind, venueCode: text, endpoint, retryAfterMs: 1_000 });
}

/** A failure below the API envelope: timeout, reset, 5xx, HTML page, abort. */
export function transportError(code: string, endpoint: string, detail: string, opts: ClassifyOptions & { maybeSent: boolean; cause?: unknown }): KrakenError {
  const kind: KrakenErrorKind = opts.placesOrder && opts.maybeSent ? 'orderMayExist' : 'retryable';
  return new KrakenError(`Kraken ${endpoint} failed: ${code} ${detail} (${HINTS[kind]})`, {
    kind,
    venueCode: code,
    endpoint,
    retryAfterMs: 1_000,
    cause: opts.cause,
  });
}

export function parseError(endpoint: string, path: string, problem: string, cause?: unknown): KrakenError {
  return new KrakenError(
    `Kraken ${endpoint} returned an unexpected shape at ${path || '(root)'}: ${problem} (the venue's format changed or the endpoint is wrong; check reference/kraken-api.md)`,
    { kind: 'bug', venueCode: 'PARSE', endpoint, cause },
  );
}

const HINTS: Record<KrakenErrorKind, string> = {
  retryable: 'transient; safe to retry',
  bug: 'fix the request or the parser; do not retry',
  orderMayExist: 'the order may exist: reconcile by cl_ord_id, do not resubmit',
  auth: 'check the API key, secret and permissions',
  rateLimit: 'rate limited; wait before retrying',
  unavailable: 'venue unavailable or restricted; retry later',
  rejected: 'the venue refused the request',
};
