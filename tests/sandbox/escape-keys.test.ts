/**
 * Escape corpus: computed property keys and aliases of the clock. A key is converted to a string when
 * used, so an object whose toString says "constructor" reaches that property, and casts, lying type
 * guards and array covariance tell the type checker it is a number. The gates refuse what they can
 * see; what the types hide, the guard the bundle puts around every computed key refuses as it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { strategyWith } from './fixtures/sources.ts';
import { bundleOf, gates, oneBar, startHost } from './helpers.ts';

const refused: ReadonlyArray<readonly [technique: string, top: string, body: string, rule: string]> = [
  ['template-literal key', '', "const x = 'struct'; const v = (_bar as unknown as Record<number, unknown>)[`con${x}or`]; void v;", 'computed-key'],
  [
    'string-built key in destructuring',
    '',
    "const k = 'constr' + 'uctor'; const { [k]: C } = _bar as unknown as Record<string, unknown>; void C;",
    'number-index',
  ],
  ['banned literal key in destructuring', '', "const { ['constructor']: C } = _bar as unknown as Record<string, unknown>; void C;", 'banned-property'],
  ['banned literal in a computed object key', '', "const o = { ['__proto__']: _ctx }; void o;", 'banned-property'],
  ['banned literal with in', '', "const has = 'stack' in new Error('x'); void has;", 'banned-property'],
  ['string variable with in', '', "const k: string = 'buf' + 'fer'; const has = k in _ctx.history.close; void has;", 'number-index'],
  ['no-substitution template key', '', 'const v = (_ctx.history.close as unknown as Record<string, unknown>)[`buffer`]; void v;', 'banned-property'],
  [
    'property descriptor read (.buffer by another road)',
    '',
    "const d = Object.getOwnPropertyDescriptor(Float64Array.prototype, 'length'); void d;",
    'banned-property',
  ],
  ['prototype walk without __proto__', '', 'const p = Object.getPrototypeOf(_bar); void p;', 'banned-property'],
  ['own property names listed', '', 'const names = Object.getOwnPropertyNames(new Error()); void names;', 'banned-property'],
  ['property defined by name', '', "Object.defineProperty({}, 'x', { value: 1 });", 'banned-property'],
  ['reflection destructured from Object', '', 'const { getPrototypeOf } = Object; void getPrototypeOf;', 'banned-property'],
  ['the guard shadowed', '', 'const __brainKey = (k: number) => k; void __brainKey;', 'reserved-name'],
  ['Date aliased', '', 'const D = Date; void D;', 'clock-alias'],
  ['Math aliased', '', 'const M = Math; void M;', 'clock-alias'],
  ['Math.random destructured', '', 'const { random } = Math; void random;', 'clock-alias'],
  ['Date.now destructured', '', 'const { now } = Date; void now;', 'clock-alias'],
  ['Date passed as an argument', 'function call(f: DateConstructor): number { return f.length; }', 'void call(Date);', 'clock-alias'],
  ['Math in an array', '', 'const ms = [Math]; void ms;', 'clock-alias'],
  ['Date in a shorthand property', '', 'const o = { Date }; void o;', 'clock-alias'],
  ['parenthesised Date', '', 'const n = (Date).UTC(2024, 0); void n;', 'clock-alias'],
  ['computed member of Math', '', 'const k = 0; const f = (Math as unknown as Record<number, () => number>)[k]; void f;', 'clock-alias'],
  ['new Date with a spread (maybe no argument)', '', 'const args: number[] = []; const d = new Date(...(args as [number])); void d;', 'clock-alias'],
  ['a subclass of Date', 'class Clock extends Date {}', 'void Clock;', 'clock-alias'],
  ['optional-chained Date.now', '', 'const t = Date?.now(); void t;', 'banned-member'],
];

describe('static gates refuse computed keys they can see and every alias of the clock', () => {
  it.each(refused)('%s is rejected with its rule', async (_technique, top, body, rule) => {
    const r = await gates.run({ kind: 'strategy', source: strategyWith(top, body) });
    expect(r.ok ? [] : r.issues.map((i) => i.rule)).toContain(rule);
  });

  it('Date and Math used as intended pass: members, new Date(time), types', async () => {
    const body = "const d: Date = new Date(_bar.time); const h = d.getUTCHours() + Math.max(1, 2) + Date.UTC(2024, 0) + Date.parse('2024-01-01'); void h;";
    const r = await gates.run({ kind: 'strategy', source: strategyWith('', body) });
    expect(r.ok ? [] : r.issues).toEqual([]);
  });
});

/**
 * Each probe hides an object key from the type checker in its own way; each returns what it reached,
 * or the message of what stopped it. The guard must stop every one before the key is converted.
 */
const hidden: ReadonlyArray<readonly [technique: string, body: string]> = [
  ['a cast (toString)', "const k = { toString: () => 'constructor' } as unknown as number; return typeof (_bar as unknown as Record<number, unknown>)[k];"],
  [
    'a cast (valueOf)',
    "const k = { toString: null, valueOf: () => 'stack' } as unknown as number; return typeof (new Error('x') as unknown as Record<number, unknown>)[k];",
  ],
  [
    'a lying type guard',
    "const k: unknown = { toString: () => 'buffer' }; if (isNumber(k)) return typeof (_ctx.history.close as unknown as Record<number, unknown>)[k]; return 'not reached';",
  ],
  [
    'array covariance',
    "const nums: number[] = []; const wide: Array<number | object> = nums; wide.push({ toString: () => 'constructor' }); return typeof (_bar as unknown as Record<number, unknown>)[nums[0]!];",
  ],
  [
    'computed key in destructuring',
    "const k = { toString: () => 'constructor' } as unknown as number; const { [k]: C } = _bar as unknown as Record<number, unknown>; return typeof C;",
  ],
  [
    'optional chaining',
    "const k = { toString: () => 'constructor' } as unknown as number; return typeof (_bar as unknown as Record<number, unknown> | undefined)?.[k];",
  ],
  ['in', "const k = { toString: () => 'constructor' } as unknown as number; return String(k in _bar);"],
  ['a computed object-literal key', "const k = { toString: () => '__proto__' } as unknown as number; return typeof { [k]: 1 };"],
  ['a getter with a computed name', "const k = { toString: () => 'stack' } as unknown as number; return typeof { get [k]() { return 1; } };"],
];

const allowed: ReadonlyArray<readonly [technique: string, body: string, answer: string]> = [
  ['numeric index', 'const a = [3, 4, 5]; let i = 1; return String(a[i] ?? -1);', '4'],
  ['numeric computed key', 'const i = 2; const o = { [i]: 7 }; return String(o[i]);', '7'],
  ['literal name with in', "return String('close' in _bar);", 'true'],
];

function probeSource(bodies: readonly string[]): string {
  const fns = bodies
    .map((b, i) => `function p${i}(_bar: Bar, _ctx: BarContext): string {\n  try { ${b} } catch (e) { return (e as Error).message; }\n}`)
    .join('\n');
  const top = `function isNumber(_x: unknown): _x is number { return true; }\n${fns}`;
  return strategyWith(top, `if (_ctx.index >= 0) return { action: 'hold', reason: [${bodies.map((_, i) => `p${i}(_bar, _ctx)`).join(', ')}].join('|') };`);
}

describe('computed keys the types cannot see are refused as they run (gates on, in the child)', () => {
  let host: StrategyHost;
  let answers: string[] = [];

  beforeAll(async () => {
    host = await startHost(await bundleOf(probeSource([...hidden.map(([, b]) => b), ...allowed.map(([, b]) => b)])), { versionId: 'escape-keys' });
    const reply = await oneBar(host);
    answers = String((reply['decisions'] as Array<{ decision: { reason: string } }>)[0]!.decision.reason).split('|');
  });
  afterAll(() => host?.close());

  it.each(hidden.map(([technique], i) => [technique, i] as const))('%s', (_technique, i) => {
    expect(answers[i]).toBe('a computed property key must be a number, got a object');
  });

  it.each(allowed.map(([technique, , answer], i) => [technique, answer, hidden.length + i] as const))('%s still works', (_technique, answer, i) => {
    expect(answers[i]).toBe(answer);
  });
});
