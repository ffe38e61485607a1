/**
 * Kraken REST v0 transport (reference/kraken-api.md §1, §3, §5, §7): envelope parsing, typed errors,
 * signing with one nonce sequence per key, private calls one at a time in two lanes (lanes.ts: orders
 * before background) under the local rate counter, clock-driven timeouts, and retries only for failures
 * that prove the call had no effect.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import { NonceSource, apiSign } from './auth.ts';
import { KrakenError, parseError, transportError, unexplainedVenueError, venueError } from './errors.ts';
import { parseSkippingOddRecords } from './schemas.ts';
import { PrivateCallLanes, type CallLane } from './lanes.ts';
import { RestRateCounter, callCost, sleep, type AccountTier, type RateCounterStore } from './rate.ts';

export interface KrakenCredentials {
  readonly key: string;
  /** base64, as Kraken issues it. */
  readonly secret: string;
}

export interface KrakenRestOptions {
  baseUrl: string;
  clock: Clock;
  credentials?: KrakenCredentials;
  tier?: AccountTier;
  timeoutMs?: number;
  /** Extra attempts for failures that prove the call had no effect (default 3). */
  retries?: number;
  logger?: Logger;
  userAgent?: string;
  /** Defaults to the global fetch; a proxy-aware or instrumented fetch can be passed in. */
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** The call creates an order: a failure after sending becomes `orderMayExist`. */
  placesOrder?: boolean;
  retries?: number;
  /**
   * `order` for a call an order waits on (lanes.ts); default `background`, except AddOrder and the cancels,
   * which are always `order`.
   */
  lane?: CallLane;
}

const ORDER_METHODS = new Set(['AddOrder', 'CancelOrder', 'CancelAll', 'CancelAllOrdersAfter']);

type Params = Record<string, string | number | boolean | undefined>;

const TIMEOUT = Symbol('timeout');

export class KrakenRest {
  private readonly lanes: PrivateCallLanes;
  private readonly nonces: NonceSource;
  private readonly rate: RestRateCounter;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(private readonly opts: KrakenRestOptions) {
    this.nonces = new NonceSource(() => opts.clock.now());
    this.rate = new RestRateCounter(opts.clock, opts.tier ?? 'starter');
    this.lanes = new PrivateCallLanes(opts.clock, this.rate);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = opts.retries ?? 3;
  }

  /** Current local estimate of the private call counter (for tests and status output). */
  rateLevel(): number {
    return this.rate.current();
  }

  /** From now on the rate counter starts from, and is saved to, `store` (it outlives a restart: rate.ts). */
  keepRateIn(store: RateCounterStore): void {
    this.rate.keepIn(store, (err) =>
      this.opts.logger?.warn(
        { err, level: this.rate.current() },
        'could not save the Kraken call counter; calls go on, a restart starts from the last level saved',
      ),
    );
  }

  publicCall<S extends z.ZodType>(method: string, params: Params, schema: S, call: CallOptions = {}): Promise<z.output<S>> {
    const query = encode(params);
    const path = `/0/public/${method}`;
    return this.withRetries(method, call, async () => {
      const body = await this.send(method, `${path}${query ? `?${query}` : ''}`, { method: 'GET' }, call);
      return this.unwrap(method, body, schema, call);
    });
  }

  async privateCall<S extends z.ZodType>(method: string, params: Params, schema: S, call: CallOptions = {}): Promise<z.output<S>> {
    const creds = this.opts.credentials;
    if (!creds) {
      throw new KrakenError(`Kraken ${method} needs API credentials; none were configured (set the key and secret in env)`, {
        kind: 'auth',
        venueCode: 'NO_CREDENTIALS',
        endpoint: method,
      });
    }
    const path = `/0/private/${method}`;
    const lane = ORDER_METHODS.has(method) ? 'order' : (call.lane ?? 'background');
    // A caller that gave up while its call waited for the key (a stopped order actor) sends nothing: the
    // order would go out after its owner moved on.
    const aborted = () => abortedBeforeSending(method, call);
    return this.withRetries(method, call, () =>
      // One call at a time spans nonce → send → reply, so requests on this key reach Kraken in nonce order.
      this.lanes.run({ lane, cost: callCost(method), signal: call.signal, aborted }, async () => {
        const nonce = this.nonces.next();
        const form = encode({ nonce, ...params });
        const headers = {
          'Content-Type': 'application/x-www-form-urlencoded',
          'API-Key': creds.key,
          'API-Sign': apiSign(path, nonce, form, creds.secret),
        };
        const body = await this.send(method, path, { method: 'POST', headers, body: form }, call);
        return this.unwrap(method, body, schema, call);
      }),
    );
  }

  private async withRetries<T>(method: string, call: CallOptions, attempt: () => Promise<T>): Promise<T> {
    const retries = call.retries ?? this.retries;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof KrakenError) || !err.retryable || n >= retries || call.signal?.aborted) throw err;
        if (err.kind === 'rateLimit') this.rate.saturate();
        const waitMs = (err.retryAfterMs ?? 1_000) * 2 ** n;
        this.opts.logger?.warn({ method, code: err.qualifiedCode, venueCode: err.venueCode, attempt: n + 1, waitMs }, 'kraken call failed; retrying');
        await sleep(this.opts.clock, waitMs, call.signal);
      }
    }
  }

  private async send(method: string, pathAndQuery: string, init: RequestInit, call: CallOptions): Promise<unknown> {
    // A caller that gave up before this point (a public call; a private one whose turn came as it gave up) sends
    // nothing: an abort listener added now would never fire, and an order would go out after its owner moved on.
    if (call.signal?.aborted) throw abortedBeforeSending(method, call);
    const ac = new AbortController();
    const onAbort = () => ac.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = this.opts.clock.setTimeout(() => ac.abort(TIMEOUT), this.timeoutMs);
    const headers = { 'User-Agent': this.opts.userAgent ?? 'trading-brain/0.1', ...(init.headers as Record<string, string>) };
    try {
      const res = await (this.opts.fetch ?? fetch)(`${this.opts.baseUrl}${pathAndQuery}`, { ...init, headers, signal: ac.signal });
      const text = await res.text();
      return this.decode(method, res.status, text, call);
    } catch (err) {
      if (err instanceof KrakenError) throw err;
      throw this.describeFailure(method, err, ac.signal, call);
    } finally {
      this.opts.clock.clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  private decode(method: string, status: number, text: string, call: CallOptions): unknown {
    const placesOrder = call.placesOrder ?? false;
    if (status === 429) throw venueError('EGeneral:Too many requests', method);
    if (status < 200 || status > 299) {
      throw transportError(`HTTP_${status}`, method, `HTTP ${status}: ${text.slice(0, 80)}`, { placesOrder, maybeSent: true });
    }
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw transportError('NOT_JSON', method, `body is not JSON: ${text.slice(0, 80)}`, { placesOrder, maybeSent: true, cause });
    }
  }

  private describeFailure(method: string, err: unknown, signal: AbortSignal, call: CallOptions): KrakenError {
    const placesOrder = call.placesOrder ?? false;
    if (signal.aborted && signal.reason === TIMEOUT) {
      return transportError('TIMEOUT', method, `no reply within ${this.timeoutMs} ms`, { placesOrder, maybeSent: true, cause: err });
    }
    if (signal.aborted) {
      return transportError('ABORTED', method, 'the caller aborted the call', { placesOrder, maybeSent: true, cause: err });
    }
    const code = (err as { cause?: { code?: string } }).cause?.code ?? 'NETWORK';
    // A refused connection never carried the request; anything later might have.
    const maybeSent = code !== 'ECONNREFUSED';
    return transportError(code, method, `network failure (${code})`, { placesOrder, maybeSent, cause: err });
  }

  private unwrap<S extends z.ZodType>(method: string, body: unknown, schema: S, call: CallOptions): z.output<S> {
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { error?: unknown }).error)) {
      throw parseError(method, 'error', 'missing the {"error":[...]} envelope');
    }
    const env = body as { error: unknown[]; result?: unknown };
    const texts = env.error.filter((e): e is string => typeof e === 'string' && e.trim() !== '');
    const placesOrder = call.placesOrder ?? false;
    const errors = texts.filter((e) => e.startsWith('E'));
    if (errors.length > 0) {
      const err = venueError(errors[0]!, method, { placesOrder });
      if (err.kind === 'rateLimit') this.rate.saturate();
      throw err;
    }
    // Other text is a warning (W…) when a usable result comes with it; without one (Kraken sends
    // "Something went wrong" with a null result) it is the failure, in the venue's own words.
    const { parsed, skipped } = parseSkippingOddRecords(schema, env.result);
    if (texts.length > 0 && (env.result === undefined || env.result === null || !parsed.success)) {
      throw unexplainedVenueError(texts.join('; '), method, { placesOrder });
    }
    if (texts.length > 0) this.opts.logger?.warn({ method, warnings: texts }, 'Kraken answered with warnings');
    for (const s of skipped) {
      this.opts.logger?.warn(
        { method, record: s.id, problem: s.problem },
        'Kraken sent a record in an unexpected shape; skipped it, the rest of the page stands',
      );
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw parseError(method, ['result', ...(issue?.path ?? [])].join('.'), issue?.message ?? 'invalid', parsed.error);
    }
    return parsed.data;
  }
}

function abortedBeforeSending(method: string, call: CallOptions): KrakenError {
  return transportError('ABORTED', method, 'the caller aborted the call before it was sent', { placesOrder: call.placesOrder ?? false, maybeSent: false });
}

function encode(params: Params): string {
  const entries = Object.entries(params).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
  return new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString();
}
