/**
 * An operation's arguments: positional words (as typed in Telegram, or after `brain ctl NAME`) checked by
 * one zod object schema built from named parameters. Every refusal names the parameter, the value that
 * was given and what is accepted, so the operator can retype it; nothing runs on bad input.
 */
import { z } from 'zod';
import { PAIRS, type Pair } from '../contract/index.ts';

export interface Param<T> {
  readonly usage: string;
  readonly schema: z.ZodType<T, string | undefined>;
}

export type ArgsOf<P extends Record<string, Param<unknown>>> = { [K in keyof P]: P[K] extends Param<infer T> ? T : never };

export type Parsed<A> = { ok: true; value: A } | { ok: false; error: string };

export interface ArgSpec<A> {
  /** The synopsis after the command name, e.g. `PAIR|all` or `[n]`. */
  readonly usage: string;
  readonly schema: z.ZodType<A>;
  parse(words: readonly string[]): Parsed<A>;
}

const given = (input: unknown) => (input === undefined ? 'nothing' : `"${String(input)}"`);

/** A whole number in [min, max]; optional when `fallback` is set. */
export function int(name: string, min: number, max: number, fallback?: number): Param<number> {
  const what = `${name} must be a whole number from ${min} to ${max}`;
  const number = z
    .string({ error: (i) => `${what}, got ${given(i.input)}` })
    .regex(/^\d+$/, { error: (i) => `${what}, got ${given(i.input)}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: (i) => `${what}, got ${String(i.input)}` })
        .max(max, { error: (i) => `${what}, got ${String(i.input)}` }),
    );
  return fallback === undefined ? { usage: name, schema: number } : { usage: `[${name}]`, schema: number.optional().transform((v) => v ?? fallback) };
}

/** One of a fixed set of words (case-insensitive); optional when `fallback` is set. */
export function choice<const C extends string>(name: string, choices: readonly C[], fallback?: C): Param<C> {
  const what = `${name} must be one of ${choices.join(', ')}`;
  const word = z
    .string({ error: (i) => `${what}, got ${given(i.input)}` })
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(choices as readonly [C, ...C[]], { error: (i) => `${what}, got "${String(i.input)}"` }));
  const usage = choices.join('|');
  return fallback === undefined ? { usage, schema: word } : { usage: `[${usage}]`, schema: word.optional().transform((v) => v ?? fallback) };
}

/** A free word matching `pattern` (an id, a hash); optional when `optional` is set. */
export function word(name: string, pattern: RegExp, what: string, optional = false): Param<string | undefined> {
  const w = z.string({ error: (_i) => `${name} is missing: ${what}` }).regex(pattern, { error: (i) => `${name} must be ${what}, got "${String(i.input)}"` });
  return optional ? { usage: `[${name}]`, schema: w.optional() } : { usage: name, schema: w as z.ZodType<string | undefined, string | undefined> };
}

/** Reads "btc", "BTC/USD", "btcusd" or "xbt" as a configured pair. */
export function pairOf(text: string, pairs: readonly Pair[]): Pair | undefined {
  const t = text.trim().toUpperCase().replace('XBT', 'BTC');
  return pairs.find((p) => p === t || p.replace('/', '') === t || p.slice(0, p.indexOf('/')) === t);
}

function pairParam<T>(name: string, pairs: readonly Pair[], all: boolean): Param<T> {
  const accepted = `${all ? 'all or ' : ''}one of ${pairs.join(', ')}`;
  const schema = z.string({ error: () => `${name} is missing: ${accepted}` }).transform((s, ctx) => {
    if (all && s.toLowerCase() === 'all') return 'all';
    const p = pairOf(s, pairs);
    if (p) return p;
    ctx.addIssue({ code: 'custom', message: `unknown pair "${s}": ${accepted}` });
    return z.NEVER;
  });
  return { usage: all ? `${name}|all` : name, schema: schema as unknown as z.ZodType<T, string | undefined> };
}

/** One of the configured pairs. */
export const pair = (name: string, pairs: readonly Pair[] = PAIRS): Param<Pair> => pairParam<Pair>(name, pairs, false);

/** One of the configured pairs, or `all`. */
export const pairOrAll = (name: string, pairs: readonly Pair[] = PAIRS): Param<Pair | 'all'> => pairParam<Pair | 'all'>(name, pairs, true);

/** The argument spec of named positional parameters, in order. */
export function args<P extends Record<string, Param<unknown>>>(params: P): ArgSpec<ArgsOf<P>> {
  const names = Object.keys(params);
  const schema = z.object(Object.fromEntries(names.map((n) => [n, params[n]!.schema]))) as unknown as z.ZodType<ArgsOf<P>>;
  const usage = names.map((n) => params[n]!.usage).join(' ');
  return {
    usage,
    schema,
    parse(words) {
      if (words.length > names.length) {
        const extra = words.slice(names.length).join(' ');
        return {
          ok: false,
          error:
            names.length === 0
              ? `takes no arguments, got "${extra}"`
              : `takes at most ${names.length} argument${names.length > 1 ? 's' : ''} (${usage}), got also "${extra}"`,
        };
      }
      const parsed = schema.safeParse(Object.fromEntries(names.map((n, i) => [n, words[i]])));
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: parsed.error.issues[0]?.message ?? 'invalid arguments' };
    },
  };
}

export const NO_ARGS = args({});
