/**
 * Loading the TypeScript compiler with V8's code cache, the mechanism compiler.ts uses (see why there).
 * A file of its own so a test can load the compiler in a process that has not loaded it already:
 * within one process V8 finds the script in its own compilation cache and never reads the file.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
