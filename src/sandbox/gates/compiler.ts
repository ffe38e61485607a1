/**
 * The TypeScript compiler, with V8's code cache. Its 9 MB CommonJS file took ~150 ms to compile on
 * every load, and the checker's functions ~110 ms more on the first check: a third of a new strategy
 * file's gates. Loaded through vm.Script with the code V8 compiled the last time (what Node 22's
 * module.enableCompileCache does; this project also runs on Node 20), it loads in ~60 ms and checks
 * with its functions compiled. The cache is written once per process, after its first type check, so
 * it holds the checker too. It lives in node_modules/.cache (the tools' convention: the same trust as
 * the compiler file beside it), named by the compiler file's hash, V8's version and the CPU; a cache V8
 * refuses is made again. A folder it cannot write only means no cache. Not imported as an ES module:
 * Node would scan the file for named exports first (~0.3 s). Its types come from
 * `import type ts from 'typescript'` as usual; this is the value.
 */
import { Module, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type ts from 'typescript';
import { loadCompiler } from './compiler-cache.ts';

const require = createRequire(import.meta.url);
const FILE = require.resolve('typescript');
/** node_modules/typescript/lib/typescript.js → node_modules/.cache/trading-brain: where what the compiler makes is kept. */
export const COMPILER_CACHE_DIR = join(dirname(dirname(dirname(FILE))), '.cache', 'trading-brain');
const loaded = loadCompiler(FILE, COMPILER_CACHE_DIR);

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
