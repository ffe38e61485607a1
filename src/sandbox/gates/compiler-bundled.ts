/**
 * The compiler as the gate snapshot holds it: src/build/gate-snapshot.ts bundles this module in place
 * of compiler-cache.ts. A snapshot's script loads no package file and runs no vm.Script, so the compiler
 * is bundled into it, and its compiled code is part of the snapshot: there is no cache to keep.
 */
import ts from 'typescript';
import type { LoadedCompiler } from './compiler-cache.ts';

export function loadCompiler(file: string): LoadedCompiler {
  // Bundled, it would look for its library beside the bundle: it finds it beside its installed file.
  ts.sys.getExecutingFilePath = () => file;
  return { ts, fromCache: true, keep: () => true };
}
