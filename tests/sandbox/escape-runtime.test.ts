/**
 * Escape corpus, layer 2, with the static gates OFF: raw JS runs in the real child, and each technique
 * is contained at run time (refused by the lockdown, Deno's permissions, the namespaces, prlimit or the
 * host's deadline/cap), while the test process — standing in for the daemon — is unaffected.
 */
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { SandboxChild } from '../../src/sandbox/host/child.ts';
import { DEFAULT_SPAWN_LIMITS, probeIsolation } from '../../src/sandbox/host/spawn.ts';
import { oneBar, rawStrategy, startHost } from './helpers.ts';

/** Each probe returns a JSON-safe description of what happened, as the decision's `probe` field. */
const probes: ReadonlyArray<readonly [technique: string, body: string, expected: RegExp]> = [
  ['Deno namespace removed', 'return typeof Deno;', /^undefined$/],
  ['eval disabled by V8 flag', "try { return String(eval('1+1')); } catch (e) { return e.name; }", /EvalError/],
  ['Function constructor via constructor chain', "try { return String(bar.constructor.constructor('return 1')()); } catch (e) { return e.name; }", /EvalError/],
  [
    'string-built constructor access',
    "var k = ['con','struc','tor'].join(''); try { return String(ctx[k][k]('return typeof Deno')()); } catch (e) { return e.name; }",
    /EvalError/,
  ],
  ['fetch removed', 'return typeof fetch;', /^undefined$/],
  ['timers removed', 'return [typeof setTimeout, typeof setInterval, typeof queueMicrotask].join();', /^undefined,undefined,undefined$/],
  ['Date.now throws', 'try { return String(Date.now()); } catch (e) { return e.message; }', /clock is not available/],
  ['new Date() throws', 'try { return String(new Date()); } catch (e) { return e.message; }', /clock is not available/],
  ['Math.random throws', 'try { return String(Math.random()); } catch (e) { return e.message; }', /not available/],
  ['performance clock removed', 'return typeof performance;', /^undefined$/],
  ['SharedArrayBuffer and Atomics removed', 'return typeof SharedArrayBuffer + typeof Atomics;', /^undefinedundefined$/],
  ['WebAssembly removed', 'return typeof WebAssembly;', /^undefined$/],
  ['Worker spawning removed', 'return typeof Worker;', /^undefined$/],
  ['console removed', 'return typeof console;', /^undefined$/],
  ['deep recursion becomes a RangeError', 'function f(n) { return f(n + 1) + 1; } try { f(0); return "no"; } catch (e) { return e.name; }', /RangeError/],
  [
    'ArrayBuffer bomb stops at RLIMIT_DATA',
    'var keep = []; try { for (var i = 0; i < 64; i++) { var b = new Uint8Array(64 * 1024 * 1024); b.fill(1); keep.push(b); } return "allocated " + keep.length; } catch (e) { return e.name; }',
    /RangeError/,
  ],
];

/** One module answering every probe body in one bar (spawn cost paid once); each answer is a string. */
function probeModule(bodies: readonly string[]): string {
  const table = bodies.map((body, i) => `function p${i}(bar, ctx) { ${body} }`).join('\n');
  const calls = bodies.map((_, i) => `p${i}`).join(',');
  return rawStrategy(
    `var fs = [${calls}]; var out = []; for (var i = 0; i < fs.length; i++) { var r; try { r = String(fs[i](bar, ctx)); } catch (e) { r = 'threw ' + e; } out.push(r); } return { action: 'hold', probe: out };`,
    table,
  );
}

async function probeAnswers(host: StrategyHost): Promise<string[]> {
  const reply = await oneBar(host);
  return (reply['decisions'] as Array<{ decision: { probe: string[] } }>)[0]!.decision.probe;
}

describe('with the static gates off, the child contains each technique', () => {
  let host: StrategyHost;
  let answers: Promise<string[]> | undefined;

  beforeAll(async () => {
    host = await startHost(probeModule(probes.map(([, body]) => body)), { versionId: 'escape-rt', limits: { scan: { deadlineMs: 15_000 } } });
  });
  afterAll(() => host.close());

  it.each(probes.map((p, i) => [...p, i] as const))('%s', async (_technique, _body, expected, i) => {
    answers ??= probeAnswers(host);
    expect((await answers)[i]).toMatch(expected);
  });
});

/**
 * Each child runs from its own mkdtemp folder, so anything that names the script (stack frames,
 * import.meta, process.argv) is both a host-path leak and a run-to-run difference; clocks are the other
 * source. Every answer must be free of paths and identical in two fresh children.
 */
const sameEverywhere: ReadonlyArray<readonly [technique: string, body: string, expected: RegExp]> = [
  ['new Error().stack', "return new Error('x').stack;", /^Error: x$/],
  ['Error.captureStackTrace on a plain object', 'var o = {}; Error.captureStackTrace(o); return o.stack;', /^Error$/],
  ['stack of a TypeError thrown by the engine', 'try { null.x; } catch (e) { return e.stack; }', /^TypeError: Cannot read properties of null/],
  ['stack of a SyntaxError thrown by JSON.parse', "try { JSON.parse('{'); } catch (e) { return e.stack; }", /^SyntaxError: /],
  [
    'stack of a RangeError from deep recursion',
    'function f(n) { return f(n + 1) + 1; } try { f(0); } catch (e) { return e.stack; }',
    /^RangeError: Maximum call stack size exceeded$/,
  ],
  ['stack of an error thrown inside a Deno web API', "try { new URL('::'); } catch (e) { return e.stack; }", /^TypeError: Invalid URL: '::'$/],
  ['stack of a DOMException', "return new DOMException('d').stack;", /^Error: d$/],
  [
    'Error.stackTraceLimit reassigned',
    "try { Error.stackTraceLimit = 50; } catch (e) { return e.name + ' ' + new Error('y').stack; } return 'assigned';",
    /^TypeError Error: y$/,
  ],
  [
    'Error.stackTraceLimit redefined',
    "try { Object.defineProperty(Error, 'stackTraceLimit', { value: 50 }); } catch (e) { return e.name + ' ' + new Error('z').stack; } return 'redefined';",
    /^TypeError Error: z$/,
  ],
  [
    'Error.prepareStackTrace hook to read call-site file names',
    "try { Error.prepareStackTrace = function (e, s) { return s.map(function (c) { return c.getFileName(); }).join(); }; } catch (e) { return e.name + ' ' + new Error('w').stack; } return 'hooked';",
    /^TypeError Error: w$/,
  ],
  [
    'import.meta emptied (url, filename, dirname, resolve)',
    'return JSON.stringify(Object.keys(import.meta)) + typeof import.meta.url + typeof import.meta.resolve;',
    /^\[\]undefinedundefined$/,
  ],
  ['import.meta cannot be refilled', "try { import.meta.url = 'x'; } catch (e) { return e.name; } return 'refilled';", /^TypeError$/],
  ['process (argv, cwd, hrtime) removed', 'return typeof process + typeof Buffer + typeof global;', /^undefinedundefinedundefined$/],
  ['Temporal.Now clock removed', 'return typeof Temporal;', /^undefined$/],
  ['PerformanceMark clock removed', 'return typeof PerformanceMark + typeof PerformanceMeasure;', /^undefinedundefined$/],
];

describe('with the static gates off, nothing in the child names its temp folder or differs between children', () => {
  let first: string[] = [];
  let second: string[] = [];

  beforeAll(async () => {
    const bundle = probeModule(sameEverywhere.map(([, body]) => body));
    const run = async (): Promise<string[]> => {
      const host = await startHost(bundle, { versionId: 'escape-leak', limits: { scan: { deadlineMs: 15_000 } } });
      try {
        return await probeAnswers(host);
      } finally {
        await host.close();
      }
    };
    [first, second] = await Promise.all([run(), run()]);
  });

  it.each(sameEverywhere.map((p, i) => [...p, i] as const))('%s', (_technique, _body, expected, i) => {
    expect(first[i]).toMatch(expected);
    expect(first[i]).not.toMatch(/brain-sbx-|\/tmp\/|file:|ext:/);
    expect(second[i]).toBe(first[i]);
  });
});

/**
 * What the machine's clock, time zone and locale would say. A child started as if the host were in
 * another zone and language (a foreign TZ/LANG/LC_ALL in its environment) must answer exactly as a
 * child started normally, and as UTC / the C locale: otherwise the same strategy decides differently
 * on the VPS than in the backtest that gated it.
 */
const FOREIGN_HOST = { TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
const hostIndependent: ReadonlyArray<readonly [technique: string, body: string, expected: string]> = [
  ['Intl removed (DateTimeFormat().format() is the wall clock)', 'return typeof Intl;', 'undefined'],
  ['Date#toString', 'return new Date(Date.UTC(2024, 0, 15, 12, 30)).toString();', 'Mon Jan 15 2024 12:30:00 GMT+0000 (Coordinated Universal Time)'],
  ['getTimezoneOffset', 'return String(new Date(Date.UTC(2024, 6, 1)).getTimezoneOffset());', '0'],
  ['local getHours', 'return String(new Date(Date.UTC(2024, 0, 15, 12, 30)).getHours());', '12'],
  ['Date#toLocaleString', 'return new Date(Date.UTC(2024, 0, 15, 12, 30)).toLocaleString();', '1/15/2024, 12:30:00 PM'],
  ['Date.parse of a local time', "return String(Date.parse('2024-01-01T00:00'));", '1704067200000'],
  ['new Date from local components', 'return String(new Date(2024, 0, 1).getTime());', '1704067200000'],
  ['Number#toLocaleString', 'return (1234567.891).toLocaleString();', '1,234,567.891'],
  ['Array#toLocaleString', 'return [1.5, 2].toLocaleString();', '1.5,2'],
  ['String#localeCompare', "return String('a'.localeCompare('B'));", '-1'],
];

describe('with the static gates off, the clock, time zone and locale are the same whatever the host', () => {
  let home: string[] = [];
  let abroad: string[] = [];

  beforeAll(async () => {
    const bundle = probeModule(hostIndependent.map(([, body]) => body));
    const run = async (environment: Record<string, string>): Promise<string[]> => {
      const host = await startHost(bundle, { versionId: 'escape-tz', environment, limits: { scan: { deadlineMs: 15_000 } } });
      try {
        return await probeAnswers(host);
      } finally {
        await host.close();
      }
    };
    [home, abroad] = await Promise.all([run({}), run(FOREIGN_HOST)]);
  });

  it.each(hostIndependent.map((p, i) => [...p, i] as const))('%s', (_technique, _body, expected, i) => {
    expect(home[i]).toBe(expected);
    expect(abroad[i]).toBe(expected);
  });
});

describe('with the static gates off, hostile behaviour is stopped by the host', () => {
  it('an infinite loop is killed at the deadline, counted, and the next call restarts the child', async () => {
    const events: string[] = [];
    const host = await startHost(rawStrategy('for (;;) {}'), { limits: { scan: { deadlineMs: 300 } }, onEvent: (e) => events.push(e.type) });
    await expect(oneBar(host)).rejects.toMatchObject({ code: 'deadline' });
    expect(host.failures()).toMatchObject({ deadline: 1 });
    expect(events).toContain('sandbox.failed');
    await expect(oneBar(host)).rejects.toMatchObject({ code: 'deadline' });
    expect(events).toContain('sandbox.restarted');
    await host.close();
  });

  it('a heap bomb crashes only the child', async () => {
    const host = await startHost(rawStrategy('var a = []; for (;;) a.push({ x: a.length, y: [1, 2, 3] });'), {
      limits: { scan: { deadlineMs: 8000 } },
      spawn: { heapMb: 64 },
    });
    await expect(oneBar(host)).rejects.toMatchObject({ code: 'child_exited' });
    await host.close();
  });

  it('a flood of output is cut at the reply cap', async () => {
    const host = await startHost(rawStrategy("return { action: 'hold', reason: 'x'.repeat(1 << 20) };"));
    await expect(oneBar(host)).rejects.toMatchObject({ code: 'output_too_large' });
    await host.close();
  });

  it('the realm is frozen: JSON.stringify cannot be replaced to forge frames, nor anything parked on an intrinsic', async () => {
    const forge = await startHost(rawStrategy("JSON.stringify = function () { return '{not json'; }; return { action: 'hold' };"));
    await expect(oneBar(forge)).rejects.toThrow(/module threw: TypeError: Cannot assign to read only property 'stringify'/);
    await forge.close();
    const park = await startHost(rawStrategy("Object.getPrototypeOf([]).memo = 1; return { action: 'hold' };"));
    await expect(oneBar(park)).rejects.toThrow(/module threw: TypeError: Cannot add property memo, object is not extensible/);
    await park.close();
    const statics = await startHost(rawStrategy("/(b)/.test('abc'); return { action: 'hold', reason: String(RegExp.$1) + String(RegExp.lastMatch) };"));
    expect(await oneBar(statics)).toMatchObject({ decisions: [{ decision: { reason: 'undefinedundefined' } }] });
    await statics.close();
  });

  it.each([
    ['a frame that is not JSON', "frame('{not json')"],
    ['progress for a request that takes none', 'frame(\'{"kind":"progress","throughStep":0,"rows":0}\')'],
    ['a reply with a payload', 'frame(\'{"kind":"ready"}\', 8)'],
  ])('%s is a bad frame, and the child is killed', async (_what, write) => {
    // A raw child script (no runner): the host's framing checks are all that stand.
    const script = `const frame = (text, extra = 0) => {
      const body = new TextEncoder().encode(text);
      const out = new Uint8Array(8 + body.length + extra);
      new DataView(out.buffer).setUint32(0, body.length, true);
      new DataView(out.buffer).setUint32(4, extra, true);
      out.set(body, 8);
      Deno.stdout.writeSync(out);
    };
    ${write};
    await new Promise(() => {});`;
    const child = new SandboxChild(script, DEFAULT_SPAWN_LIMITS, probeIsolation(), { deadlineMs: 5_000, maxReplyBytes: 1024 });
    await expect(child.ready()).rejects.toMatchObject({ code: 'bad_frame' });
    expect(child.alive).toBe(false);
    await child.close();
  });

  it('an output getter that never returns is stopped by the deadline, never run by the host', async () => {
    const host = await startHost(rawStrategy('return { get action() { for (;;) {} } };'), { limits: { scan: { deadlineMs: 300 } } });
    await expect(oneBar(host)).rejects.toMatchObject({ code: 'deadline' });
    await host.close();
  });

  it('a thrown object with a hostile toString is contained', async () => {
    const host = await startHost(rawStrategy("throw { toString: function () { throw new Error('nested'); } };"));
    await expect(oneBar(host)).rejects.toMatchObject({ code: 'guest_error' });
    await host.close();
  });

  it('BigInt and cyclic outputs are refused as non-JSON', async () => {
    const host = await startHost(rawStrategy('var o = { action: "hold" }; o.self = o; return o;'));
    await expect(oneBar(host)).rejects.toThrow(/not JSON-serialisable/);
    await host.close();
  });

  it('a promise chain to import node:fs never runs: the child has no event loop turn for it', async () => {
    const target = `/tmp/brain-escape-${process.pid}`;
    const host = await startHost(rawStrategy(`import('node:fs').then(function (m) { m.writeFileSync('${target}', 'x'); }); return { action: 'hold' };`));
    await oneBar(host);
    await host.close();
    expect(existsSync(target)).toBe(false);
  });
});

describe('the process boundary alone: Deno permissions and namespaces, without the runner lockdown', () => {
  let server: Server;
  let received = 0;
  let port = 0;
  beforeAll(async () => {
    server = createServer((s) => s.on('data', (d) => (received += d.length)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('file, env, spawn, ffi and loopback network are all denied to a module that keeps the Deno namespace', async () => {
    const { runDenoProbe } = await import('./probe-deno.ts');
    const results = await runDenoProbe(port);
    expect(results).toEqual({
      read: 'NotCapable',
      write: 'NotCapable',
      env: 'NotCapable',
      run: 'NotCapable',
      ffi: 'NotCapable',
      net: expect.stringMatching(/NotCapable|ConnectionRefused|NetworkUnreachable/),
      fsImport: expect.stringMatching(/NotCapable|TypeError/),
    });
    expect(received).toBe(0);
  });
});
