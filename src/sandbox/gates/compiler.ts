/**
 * The TypeScript compiler, with V8's code cache. Its 9 MB CommonJS file took ~150 ms to compile on
 * every load, and the checker's functions ~110 ms more on the first check: a third of a new strategy
 * file's gates. Loaded through vm.Script with the code V8 compiled the last time (what Node 22's
 * module.enableCompileCache does; this project also runs on Node 20), it loads in ~60 ms and checks
 * with its functions compiled. The cache is written once per process, after its first type check, so
 * it holds the checker too. It lives in node_modules/.cache (the tools' convention: the same trust as
 * the compiler file beside it), named by the compiler file's hash, V8's version and the CPU; a cache V8
 * refuses is made again. A folder it cannot write only means no cache. Not imported as an ES module: Node would scan the file for named exports first
 * (~0.3 s). Its types come from `import type ts from 'typescript'` as usual; this is the value.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type ts from 'typescript';
import { writeFileAtomic } from '../../files.ts';
import { sha256 } from '../../hash.ts';

export interface LoadedCompiler {
  readonly ts: typeof ts;
  /** Whether V8 took the cached code (false: none, or refused). */
  readonly fromCache: boolean;
  /** Writes the code compiled so far to the cache, unless it came from there; false if it could not. */
  keep(): boolean;
}

const COMMONJS_WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n})'] as const;

/**
 * The compiler from `file` (typescript.js), its code cache in `cacheDir`, in a file named by the
 * source's hash, V8's version and the CPU: V8 itself only compares a cache's source by length.
 */
export function loadCompiler(file: string, cacheDir: string): LoadedCompiler {
  const bytes = readFileSync(file);
  const cacheFile = join(cacheDir, `typescript-${sha256(bytes).slice(0, 16)}-v8-${process.versions.v8}-${process.arch}.cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(COMMONJS_WRAPPER[0] + bytes.toString('utf8') + COMMONJS_WRAPPER[1], { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as typeof ts };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  let kept = fromCache;
  return {
    ts: module.exports,
    fromCache,
    keep() {
      if (kept) return true;
      try {
        mkdirSync(cacheDir, { recursive: true });
        // One compiler's cache at a time: an updated compiler's old one is never read again.
        for (const old of readdirSync(cacheDir))
          if (old.startsWith('typescript-') && join(cacheDir, old) !== cacheFile) rmSync(join(cacheDir, old), { force: true });
        writeFileAtomic(cacheFile, script.createCachedData());
        kept = true;
      } catch {
        return false;
      }
      return true;
    },
  };
}

const require = createRequire(import.meta.url);
const FILE = require.resolve('typescript');
// node_modules/typescript/lib/typescript.js → node_modules/.cache/trading-brain
const loaded = loadCompiler(FILE, join(dirname(dirname(dirname(FILE))), '.cache', 'trading-brain'));

export const compiler: typeof ts = loaded.ts;

// Registered as require would have: a later require('typescript') in this process gets this instance.
const registered = new Module(FILE);
registered.filename = FILE;
registered.loaded = true;
registered.exports = compiler;
require.cache[FILE] = registered;

/** Called after a type check: the cache then holds the checker's compiled code as well. */
export function keepCompiledCode(): void {
  loaded.keep();
}
