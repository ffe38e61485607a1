/**
 * Escape corpus, layer 1: each technique is refused by the static gates before anything runs,
 * with the rule that caught it and its line.
 */
import { describe, expect, it } from 'vitest';
import { API_IMPORT, strategyWith } from './fixtures/sources.ts';
import { gates } from './helpers.ts';

const cases: ReadonlyArray<readonly [technique: string, top: string, body: string, rule: string]> = [
  ['eval of a string', '', "eval('1');", 'banned-identifier'],
  ['Function constructor', '', "new Function('return 1');", 'banned-identifier'],
  ['globalThis lookup', '', 'const g = globalThis;', 'banned-identifier'],
  ['process.env read', '', 'const e = process.env;', 'banned-identifier'],
  ['require of fs', '', "require('fs');", 'banned-identifier'],
  ['static import of node:fs', "import { readFileSync } from 'node:fs';", 'readFileSync;', 'import-source'],
  ['dynamic import()', '', "void import('node:fs');", 'dynamic-import'],
  ['network via fetch', '', "fetch('http://127.0.0.1:9');", 'banned-identifier'],
  ['Deno file API', '', "Deno.readTextFileSync('/etc/passwd');", 'banned-identifier'],
  ['timer', '', 'setTimeout(() => 0, 1);', 'banned-identifier'],
  ['microtask queue', '', 'queueMicrotask(() => 0);', 'banned-identifier'],
  ['Reflect', '', 'Reflect.ownKeys({});', 'banned-identifier'],
  ['Proxy', '', 'new Proxy({}, {});', 'banned-identifier'],
  ['WebAssembly', '', 'const w = WebAssembly;', 'banned-identifier'],
  ['SharedArrayBuffer + Atomics', '', 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);', 'banned-identifier'],
  ['constructor chain to Function', '', 'const f = _bar.constructor;', 'banned-property'],
  ['__proto__ walk', '', 'const p = ({}).__proto__;', 'banned-property'],
  ['prototype pollution', '', 'Object.prototype.toString = () => "x";', 'banned-property'],
  ['string-literal constructor access', '', "const c = _ctx['constructor'];", 'banned-property'],
  ['arguments.callee', '', 'function f() { return arguments.length; } f();', 'banned-identifier'],
  ['Error.prepareStackTrace hook', '', 'Error.prepareStackTrace = () => 1;', 'banned-property'],
  ['stack trace of a new Error', '', "const s = new Error('x').stack;", 'banned-property'],
  ['stack trace of a caught error', '', 'try { JSON.parse("{"); } catch (e) { const s = (e as Error).stack; void s; }', 'banned-property'],
  ['stack read by string-literal element access', '', "const s = new Error('x')['stack'];", 'banned-property'],
  ['stack read by destructuring', '', "const { stack } = new Error('x'); void stack;", 'banned-property'],
  ['Error.captureStackTrace', '', 'const o = {}; Error.captureStackTrace(o);', 'banned-property'],
  ['Error.stackTraceLimit raised', '', 'Error.stackTraceLimit = 50;', 'banned-property'],
  ['history backing buffer read (candles past the view)', '', 'const all = new Float64Array(_ctx.history.close.buffer);', 'banned-property'],
  ['Temporal.Now clock read', '', 'const t = Temporal.Now.instant();', 'banned-identifier'],
  ['Date.now clock read', '', 'const t = Date.now();', 'banned-member'],
  ['new Date() clock read', '', 'const t = new Date();', 'clock-read'],
  ['Math.random', '', 'const r = Math.random();', 'banned-member'],
  ['async function', 'async function f() { return 1; }', 'void f;', 'async'],
  ['generator', 'function* g() { yield 1; }', 'void g;', 'generator'],
  ['import.meta', '', 'const m = import.meta;', 'import-meta'],
  ['Symbol registry', '', "const s = Symbol.for('Deno.internal');", 'banned-identifier'],
  ['console output corrupting frames', '', "console.log('x');", 'banned-identifier'],
  ['WeakRef / GC observation', '', 'new WeakRef({});', 'banned-identifier'],
];

describe('static gates refuse each escape technique', () => {
  it.each(cases)('%s is rejected with its rule and line', async (_technique, top, body, rule) => {
    const r = await gates.run({ kind: 'strategy', source: strategyWith(top, body) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.rule)).toContain(rule);
    expect(r.issues.every((i) => i.line > 0 && i.column > 0)).toBe(true);
  });

  it('a stack read is reported at its own line and column', async () => {
    const source = strategyWith('', "const e = new Error('x');\n    const s = e.stack;\n    void s;");
    const r = await gates.run({ kind: 'strategy', source });
    const lines = source.split('\n');
    const line = lines.findIndex((l) => l.includes('e.stack')) + 1;
    expect(r.ok ? [] : r.issues).toEqual([
      { gate: 'ast', rule: 'banned-property', line, column: lines[line - 1]!.indexOf('e.stack') + 1, message: "property 'stack' is not allowed" },
    ]);
  });

  it('string-built property access is caught by the number-index type rule', async () => {
    const body =
      "const k = ['con', 'struc', 'tor'].join(''); const m = new Map<string, number>(); const o = { a: 1 } as Record<string, number>; const v = o[k]; void m; void v;";
    const r = await gates.run({ kind: 'strategy', source: strategyWith('', body) });
    expect(r.ok ? [] : r.issues.map((i) => i.rule)).toContain('number-index');
  });

  it('any, written or inferred from JSON.parse, is rejected', async () => {
    const r = await gates.run({ kind: 'strategy', source: strategyWith('', "const j = JSON.parse('1'); let x: any = j; void x;") });
    expect(r.ok ? [] : r.issues.filter((i) => i.rule === 'no-any').length).toBeGreaterThanOrEqual(2);
  });

  it('a value import from the API declaration and an import outside skills are rejected', async () => {
    const src = `import { DecisionSchema } from '../../src/contract/intent.ts';\nimport { x } from '../../src/sandbox/errors.ts';\n${strategyWith('', 'void DecisionSchema; void x;').replace(API_IMPORT, '')}`;
    const r = await gates.run({ kind: 'strategy', source: `${API_IMPORT}${src}` });
    expect(r.ok ? [] : r.issues.map((i) => i.rule)).toEqual(['api-type-only', 'import-source']);
  });

  it('a source over 64 KB is rejected before parsing', async () => {
    const r = await gates.run({ kind: 'strategy', source: strategyWith(`// ${'x'.repeat(70_000)}`, '') });
    expect(r.ok ? [] : r.issues.map((i) => i.rule)).toEqual(['max-bytes']);
  });

  it('a module whose default export is not a StrategyModule fails the contract check', async () => {
    const r = await gates.run({ kind: 'strategy', source: 'const m = { meta: 1 };\nexport default m;\n' });
    expect(r.ok ? [] : r.issues.map((i) => i.rule)).toContain('contract');
  });
});
