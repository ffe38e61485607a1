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
}

interface DenoLike {
  stdin: { readSync(b: Uint8Array): number | null };
  stdout: { writeSync(b: Uint8Array): number };
  exit(code: number): never;
}

const REMOVED = [
  'Deno', 'console', 'performance', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval',
  'queueMicrotask', 'setImmediate', 'WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer', 'Atomics',
  'WebAssembly', 'crypto', 'Crypto', 'CryptoKey', 'SubtleCrypto', 'fetch', 'Request', 'Response', 'Headers',
  'WebSocket', 'WebSocketStream', 'EventSource', 'Worker', 'BroadcastChannel', 'MessageChannel', 'MessagePort',
  'navigator', 'Navigator', 'location', 'Location', 'caches', 'CacheStorage', 'localStorage', 'sessionStorage',
  'indexedDB', 'close', 'alert', 'confirm', 'prompt', 'reportError', 'addEventListener', 'dispatchEvent',
  'removeEventListener', 'onload', 'onunload', 'onbeforeunload', 'onerror', 'onunhandledrejection',
  'structuredClone', 'FileReader', 'Blob', 'File', 'ReadableStream', 'WritableStream', 'TransformStream',
  'CompressionStream', 'DecompressionStream', 'GPU', 'GPUBuffer', 'ImageData', 'ImageBitmap', 'createImageBitmap',
  // Node compatibility globals: process.argv/cwd name the script's folder, process.hrtime is a clock.
  'process', 'Buffer', 'global', 'clearImmediate',
  // Clocks that survive the Date/performance neutering: Temporal.Now and the PerformanceEntry family.
  'Temporal', 'Performance', 'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure', 'PerformanceObserver',
  'PerformanceObserverEntryList', 'Lock', 'LockManager', 'Storage',
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
  const io: ChildIo = { readSync: (b) => stdin.readSync(b), writeSync: (b) => stdout.writeSync(b) };
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
  neuterClock(g);
  hideStackFrames();
  return { io, exit };
}
