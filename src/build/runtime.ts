/**
 * Whether this process runs the compiled build (dist/, made by src/build/bundle.ts) or the sources through
 * tsx, and how to start another node entry point the same way. The build defines BRAIN_BUNDLED, and leaves
 * this module's import.meta.url as it is (it rewrites every other module's to its source file), so in
 * dist/ it names the folder holding the bundles. It imports only node:url: every process loads it at start.
 */
import { fileURLToPath } from 'node:url';

declare const BRAIN_BUNDLED: boolean | undefined;

/** The bundles: output name (dist/NAME.mjs) → source entry, relative to the project root. */
export const BUNDLE_ENTRIES = {
  brain: 'src/cli/entry.ts',
  'gate-child': 'src/sandbox/gates/child-main.ts',
} as const;

export type BundleName = keyof typeof BUNDLE_ENTRIES;

export const RUNS_BUILD: boolean = typeof BRAIN_BUNDLED !== 'undefined' && BRAIN_BUNDLED;

/** A file of the compiled build (meaningful only when RUNS_BUILD). */
export function distFile(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/** A node entry point to fork, as this process runs: the built bundle, or the source file with the tsx loader. */
export function nodeEntry(name: BundleName): { file: string; execArgv: string[] } {
  if (RUNS_BUILD) return { file: distFile(`${name}.mjs`), execArgv: ['--enable-source-maps'] };
  // The loader by absolute URL: a daemon's working directory is its data folder, not the checkout.
  return { file: fileURLToPath(new URL(`../../${BUNDLE_ENTRIES[name]}`, import.meta.url)), execArgv: ['--import', import.meta.resolve('tsx')] };
}
