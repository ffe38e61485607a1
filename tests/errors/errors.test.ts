/**
 * One shape for failures (issue 17 point 6): every error class of the shell is a BrainError, whatever
 * was thrown becomes an ErrorInfo that survives JSON, and a reason stored as a bare string by an older
 * version is read back instead of crashing a restart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrainError, describeError, parseDescribedError, readErrorInfo, toErrorInfo } from '../../src/contract/errors.ts';
import { RemoteJobError } from '../../src/evolution/jobs-redis.ts';
import { SandboxError } from '../../src/sandbox/errors.ts';
import { DbError } from '../../src/db/errors.ts';
import { transportError, venueError } from '../../src/kraken/errors.ts';
import { LlmError } from '../../src/orchestrator/llm/errors.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { VenueError } from '../../src/trading/venue.ts';

const BASE_FILE = 'src/contract/errors.ts';
const SCANNED = ['src', 'actors', 'machines'];
const BUILT_IN = /^(Error|TypeError|RangeError|SyntaxError|EvalError|ReferenceError|URIError|AggregateError)$/;

interface Declared {
  name: string;
  base: string;
  file: string;
}

function declaredClasses(): Declared[] {
  const out: Declared[] = [];
  for (const folder of SCANNED) {
    const files = readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const f of files) {
      const file = relative(PROJECT_ROOT, join(PROJECT_ROOT, folder, f));
      const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
      for (const m of text.matchAll(/\bclass\s+(\w+)(?:<[^>{]*>)?\s+extends\s+([\w.]+)/g)) out.push({ name: m[1]!, base: m[2]!, file });
    }
  }
  return out;
}

describe('every error class extends BrainError', () => {
  const classes = declaredClasses();

  it('no class outside the base extends a built-in Error', () => {
    const offenders = classes.filter((c) => BUILT_IN.test(c.base) && c.file !== BASE_FILE).map((c) => `${c.file}: class ${c.name} extends ${c.base}`);
    expect(offenders, 'extend BrainError from src/contract/errors.ts instead: give it a domain, a code and a truthful retryable').toEqual([]);
  });

  it('every class named like an error descends from BrainError', () => {
    const bases = new Map(classes.map((c) => [c.name, c.base] as const));
    const descends = (name: string, seen = new Set<string>()): boolean => {
      if (name === 'BrainError') return true;
      const base = bases.get(name);
      if (base === undefined || seen.has(name)) return false;
      return descends(base, seen.add(name));
    };
    const errorish = classes.filter((c) => /(Error|Failure|Refused)$/.test(c.name) && c.name !== 'BrainError');
    expect(errorish.length).toBeGreaterThan(30);
    expect(errorish.filter((c) => !descends(c.name)).map((c) => `${c.file}: ${c.name} extends ${c.base}`)).toEqual([]);
  });

  it('the scan sees a stray subclass (it would fail on one)', () => {
    const text = 'export class StrayError extends Error {}';
    expect([...text.matchAll(/\bclass\s+(\w+)(?:<[^>{]*>)?\s+extends\s+([\w.]+)/g)].map((m) => m[2])).toEqual(['Error']);
  });
});

describe('ErrorInfo', () => {
  it('a BrainError travels as its qualified code, its words and its retry verdict, through JSON intact', () => {
    const err = new DbError('duplicate', 'order p1-1 exists', { retryable: false });
    expect(err).toBeInstanceOf(BrainError);
    expect(err.code).toBe('duplicate');
    const info = toErrorInfo(err);
    expect(info).toEqual({ code: 'db.duplicate', message: 'order p1-1 exists', retryable: false });
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    expect(toErrorInfo(JSON.parse(JSON.stringify(info)))).toEqual(info);
  });

  it('anything else thrown is unexpected and not retried blindly', () => {
    expect(toErrorInfo(new TypeError('x is undefined'))).toEqual({ code: 'unexpected', message: 'TypeError: x is undefined', retryable: false });
    expect(toErrorInfo(new Error('plain'))).toEqual({ code: 'unexpected', message: 'plain', retryable: false });
    expect(toErrorInfo('a string')).toEqual({ code: 'unexpected', message: 'a string', retryable: false });
    expect(toErrorInfo(undefined)).toEqual({ code: 'unexpected', message: 'undefined', retryable: false });
  });

  it('a reason stored as a bare string by an older version reads back as legacy', () => {
    expect(readErrorInfo('socket closed (1006)')).toEqual({ code: 'legacy', message: 'socket closed (1006)', retryable: false });
    expect(readErrorInfo({ code: 'kraken.auth', message: 'EAPI:Invalid key', retryable: false })).toEqual({
      code: 'kraken.auth',
      message: 'EAPI:Invalid key',
      retryable: false,
    });
  });

  it('one line for logs and alerts leads with the code and says when a retry may help', () => {
    expect(describeError({ code: 'kraken.rate_limited', message: 'slow down', retryable: true })).toBe('[kraken.rate_limited, retryable] slow down');
    expect(describeError({ code: 'kraken.rejected', message: 'no funds', retryable: false })).toBe('[kraken.rejected] no funds');
  });

  it('a failure that crossed a text-only channel (the failedReason of a job) reads back with its code', () => {
    const info = toErrorInfo(new SandboxError('deadline', 'strategy ran past 2000 ms\nin onCandle', false));
    expect(parseDescribedError(describeError(info))).toEqual(info);
    expect(parseDescribedError('old worker words')).toEqual({ code: 'unexpected', message: 'old worker words', retryable: false });
    const remote = new RemoteJobError('cand-1', '42', describeError(info));
    expect(remote).toBeInstanceOf(BrainError);
    expect(toErrorInfo(remote)).toEqual({
      code: 'sandbox.deadline',
      message: 'job cand-1 failed on a worker: strategy ran past 2000 ms\nin onCandle',
      retryable: false,
    });
  });
});

describe('Kraken, venue and model errors keep their retry semantics in the shared shape', () => {
  it.each([
    ['EAPI:Rate limit exceeded', 'kraken.rate_limited', true],
    ['EOrder:Insufficient funds', 'kraken.rejected', false],
    ['EAPI:Invalid key', 'kraken.auth', false],
    ['EService:Unavailable', 'kraken.unavailable', true],
    ['EService:Market in cancel_only mode', 'kraken.unavailable', false],
    ['EGeneral:Invalid arguments:volume', 'kraken.bad_request', false],
    ['EAPI:Invalid nonce', 'kraken.transient', true],
  ] as const)('%s → %s (retryable %s), with the venue words kept', (venueCode, code, retryable) => {
    const err = venueError(venueCode, 'AddOrder');
    expect(toErrorInfo(err)).toEqual({ code, message: err.message, retryable });
    expect(err.venueCode).toBe(venueCode);
    expect(err.message).toContain(venueCode);
    expect(err.details).toMatchObject({ endpoint: 'AddOrder', venueCode });
  });

  it('an order that may exist is never retryable, whichever way it was lost', () => {
    expect(toErrorInfo(venueError('EGeneral:Internal error', 'AddOrder', { placesOrder: true }))).toMatchObject({
      code: 'kraken.order_may_exist',
      retryable: false,
    });
    expect(toErrorInfo(transportError('TIMEOUT', 'AddOrder', 'no reply', { placesOrder: true, maybeSent: true }))).toMatchObject({
      code: 'kraken.order_may_exist',
      retryable: false,
    });
    expect(toErrorInfo(new VenueError('unknown_outcome', 'reconcile by cl_ord_id', false))).toEqual({
      code: 'venue.unknown_outcome',
      message: 'reconcile by cl_ord_id',
      retryable: false,
    });
  });

  it('a model overload is retryable, a bad key is not', () => {
    expect(toErrorInfo(new LlmError('overloaded', 'busy'))).toEqual({ code: 'llm.overloaded', message: 'busy', retryable: true });
    expect(toErrorInfo(new LlmError('auth', 'check ANTHROPIC_API_KEY'))).toEqual({ code: 'llm.auth', message: 'check ANTHROPIC_API_KEY', retryable: false });
  });
});
