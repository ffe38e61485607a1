/**
 * Runs first inside the Deno child (trusted): captures stdin/stdout, then removes or neuters every
 * global that reaches I/O, the clock, randomness, timers or shared memory, before the untrusted module
 * is evaluated. Code generation from strings is already off (V8 flag set by the host).
 * Stack traces are cut to zero frames for good: every frame names the child's script, which lives in a
 * fresh mkdtemp folder per child, so a trace is both a host-path leak and a run-to-run difference.
 */
export interface ChildIo {
  readSync(buf: Uint8Array): number | null;
  writeSync(buf: Uint8Array): number;
  /** One line on stderr, which the host keeps as the cause of the child's exit (never the protocol). */
  reportFatal(line: string): void;
}

interface DenoLike {
  stdin: { readSync(b: Uint8Array): number | null };
  stdout: { writeSync(b: Uint8Array): number };
  stderr: { writeSync(b: Uint8Array): number };
  exit(code: number): never;
}

const REMOVED = [
  'Deno',
  'console',
  'performance',
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'queueMicrotask',
  'setImmediate',
  'WeakRef',
  'FinalizationRegistry',
  'SharedArrayBuffer',
  'Atomics',
  'WebAssembly',
  'crypto',
  'Crypto',
  'CryptoKey',
  'SubtleCrypto',
  'fetch',
  'Request',
  'Response',
  'Headers',
  'WebSocket',
  'WebSocketStream',
  'EventSource',
  'Worker',
  'BroadcastChannel',
  'MessageChannel',
  'MessagePort',
  'navigator',
  'Navigator',
  'location',
  'Location',
  'caches',
  'CacheStorage',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'close',
  'alert',
  'confirm',
  'prompt',
  'reportError',
  'addEventListener',
  'removeEventListener',
  'onload',
  'onunload',
  'onbeforeunload',
  'onerror',
  'onunhandledrejection',
  'structuredClone',
  'FileReader',
  'Blob',
  'File',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'CompressionStream',
  'DecompressionStream',
  'GPU',
  'GPUBuffer',
  'ImageData',
  'ImageBitmap',
  'createImageBitmap',
  // Node compatibility globals: process.argv/cwd name the script's folder, process.hrtime is a clock.
  'process',
  'Buffer',
  'global',
  'clearImmediate',
  // Clocks that survive the Date/performance neutering: Temporal.Now, Intl (DateTimeFormat().format()
  // with no date formats the wall clock) and the PerformanceEntry family. Locale and zone answers
  // that remain (toLocaleString, Date#toString) are pinned by the child's environment (spawn.ts).
  'Temporal',
  'Intl',
  'Performance',
  'PerformanceEntry',
  'PerformanceMark',
  'PerformanceMeasure',
  'PerformanceObserver',
  'PerformanceObserverEntryList',
  'Lock',
  'LockManager',
  'Storage',
];

function neuterClock(g: Record<string, unknown>): void {
  const RealDate = Date;
  const refuse = (): never => {
    throw new TypeError('the clock is not available to strategies; use bar.time');
  };
  function SafeDate(this: unknown, ...args: unknown[]): Date {
    if (new.target === undefined || args.length === 0) refuse();
    return new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  }
  Object.defineProperties(SafeDate, {
    UTC: { value: RealDate.UTC },
    parse: { value: RealDate.parse },
    now: { value: refuse },
    prototype: { value: RealDate.prototype },
  });
  Object.defineProperty(RealDate.prototype, 'constructor', { value: SafeDate });
  Object.defineProperty(RealDate, 'now', { value: refuse });
  g['Date'] = SafeDate;
  Object.defineProperty(Math, 'random', {
    value: () => {
      throw new TypeError('Math.random is not available to strategies');
    },
  });
}

/**
 * Deno reports an uncaught error by calling globalThis.dispatchEvent(ErrorEvent) before it prints the
 * error: with dispatchEvent gone, every crash read "Uncaught TypeError: G.dispatchEvent is not a
 * function" instead of its cause. A no-op keeps that path and gives modules no event channel (no
 * listener can be added: addEventListener and the on* handlers are removed).
 */
function keepErrorPathWorking(g: Record<string, unknown>): void {
  // Deno.exit dispatches 'unload' unless this flag is set, and its own unload listener then sets the
  // flag on the global object: frozen by hardenRealm, so every exit failed with "Cannot add property
  // Symbol(Deno.isUnloadDispatched)" (status 1 instead of the runner's). No unload hook has work here.
  Object.defineProperty(g, Symbol.for('Deno.isUnloadDispatched'), { value: true, writable: false, enumerable: false, configurable: false });
  delete g['dispatchEvent'];
  Object.defineProperty(g, 'dispatchEvent', {
    value: function dispatchEvent(): boolean {
      return true;
    },
    writable: false,
    enumerable: false,
    configurable: false,
  });
}

/**
 * Zero frames means `err.stack` is only "Name: message" whatever the module does: the limit cannot be
 * reassigned or redefined, and no prepareStackTrace hook can be installed to receive call sites.
 * captureStackTrace stays (libraries in the bundle call it) because with zero frames it records none.
 */
function hideStackFrames(): void {
  const locked = (value: unknown): PropertyDescriptor => ({ value, writable: false, enumerable: false, configurable: false });
  Object.defineProperty(Error, 'stackTraceLimit', locked(0));
  Object.defineProperty(Error, 'prepareStackTrace', locked(undefined));
}

export function lockdown(): { io: ChildIo; exit: (code: number) => never } {
  const g = globalThis as unknown as Record<string, unknown>;
  const deno = g['Deno'] as DenoLike;
  const stdin = deno.stdin;
  const stdout = deno.stdout;
  const stderr = deno.stderr;
  const encoder = new TextEncoder();
  const io: ChildIo = {
    readSync: (b) => stdin.readSync(b),
    writeSync: (b) => stdout.writeSync(b),
    reportFatal: (line) => void stderr.writeSync(encoder.encode(`${line}\n`)),
  };
  const exit = deno.exit.bind(deno);
  for (const name of REMOVED) {
    if (!(name in g)) continue;
    try {
      delete g[name];
    } catch {
      // non-configurable: fall through to overwrite
    }
    if (name in g) Object.defineProperty(g, name, { value: undefined, writable: false, configurable: false });
  }
  keepErrorPathWorking(g);
  neuterClock(g);
  hideStackFrames();
  return { io, exit };
}

/** RegExp's legacy statics: the last match, readable by any later code in the realm. */
const REGEXP_STATICS = [
  '$1',
  '$2',
  '$3',
  '$4',
  '$5',
  '$6',
  '$7',
  '$8',
  '$9',
  'input',
  '$_',
  'lastMatch',
  '$&',
  'lastParen',
  '$+',
  'leftContext',
  '$`',
  'rightContext',
  "$'",
];

/**
 * Freezes everything the realm shares between module instances: the global object, every intrinsic
 * left on it (Math, JSON, Object, Array, ...), their prototypes and all that hangs off them, and
 * deletes RegExp's legacy statics. The runner evaluates a fresh module instance for each backtest
 * run; without this a strategy could park candles on a shared object (`Math.memo = ...`, a prototype
 * reached with Object.getPrototypeOf) and read them in the next run, where they are the future.
 * Called once the runner has defined its own global, before the module is first evaluated.
 */
export function hardenRealm(): void {
  const regexp = RegExp as unknown as Record<string, unknown>;
  for (const k of REGEXP_STATICS) {
    try {
      delete regexp[k];
    } catch {
      // non-configurable here: frozen below with the rest
    }
  }
  const seen = new Set<object>();
  const pending: unknown[] = [globalThis];
  while (pending.length > 0) {
    const o = pending.pop();
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;
    seen.add(o);
    pending.push(Object.getPrototypeOf(o));
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (d) pending.push(d.value, d.get, d.set);
    }
  }
  for (const o of seen) {
    try {
      Object.freeze(o);
    } catch {
      // a typed array with elements cannot be frozen (none hangs off the global object)
    }
  }
}
