/**
 * The type check's library (type-check.ts STRATEGY_LIB) is ES2023 without what the syntactic gate bans:
 * the language a strategy may use still checks, and the banned globals are unknown to the checker too
 * (but Intl, which ES5's own declaration holds).
 */
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { TypeChecker } from '../../src/sandbox/gates/type-check.ts';

const checker = new TypeChecker(PROJECT_ROOT);
const rules = (body: string) =>
  checker
    .check('strategy', 'strategy/active/strategy.ts', `${body}\nexport default 0;\n`)
    .filter((i) => i.rule !== 'contract')
    .map((i) => i.rule);

describe("the type check's library", () => {
  it('knows what a strategy may use, from ES5 to ES2023', () => {
    const body = [
      'const m = new Map<number, number>([[1, 2]]); const s = new Set([1, 2]);',
      'const a = [3, 1, 2]; const b: number[] = a.toSorted((x, y) => x - y).toReversed().with(0, 9);',
      'const c = a.at(-1) ?? a.findLast((x) => x > 1) ?? a.findLastIndex((x) => x > 1);',
      'const d = Object.entries({ x: 1 }).flat().includes(1) && Object.fromEntries([["k", 1]]) && Object.hasOwn({}, "k");',
      'const e = Math.hypot(3, 4) + Math.trunc(Number.EPSILON) + Number.parseFloat("1.5") + "a".padStart(3).trimEnd().length;',
      'const f = new Float64Array(4).fill(1).subarray(1).reduce((p, q) => p + q, 0) + [...m.keys()].length + s.size;',
      'const g = /(?<y>\\d{4})/d.exec("2024")?.indices?.length ?? 0; const h = new Error("x", { cause: g });',
      'const i = Array.from({ length: 2 }, (_v, k) => k).flatMap((k) => [k, k]).at(0) ?? 0 + Date.UTC(2024, 0);',
      'export const out = [b, c, d, e, f, h, i];',
    ].join('\n');
    expect(rules(body)).toEqual([]);
  });

  it.each(['Promise.resolve(1)', 'new Proxy({}, {})', 'Reflect.ownKeys({})', 'new SharedArrayBuffer(8)', 'Atomics.add', 'new WeakRef({})', 'BigInt(1)'])(
    'does not know %s',
    // TS2304: no such name; TS2583: none, a later library would declare it; TS2585: only a type (Promise, for ES5's async typing).
    (expression) => expect(rules(`export const x = ${expression};`)).toEqual([expect.stringMatching(/^TS(2304|2583|2585)$/)]),
  );
});
