/**
 * Builds the script a child runs: the trusted runner bundle, then the module's IIFE, then the start call.
 * The runner (src/sandbox/child, with the backtest engine) comes from the compiled build when this process
 * runs it (dist/sandbox-runner.js, made by src/build/bundle.ts with the options below), else esbuild
 * bundles it once per host process.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { distFile, RUNS_BUILD } from '../../build/runtime.ts';

/** How the runner is bundled, at run time or by the build: one script, no imports, for Deno. */
export const RUNNER_BUILD: BuildOptions & { entryPoints: string[] } = {
  entryPoints: [fileURLToPath(new URL('../child/runner.ts', import.meta.url))],
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  legalComments: 'none',
};

/** The runner's file in the compiled build. */
export const RUNNER_FILE = 'sandbox-runner.js';

let runner: Promise<string> | undefined;

/** esbuild is imported here, on the first child started, so importing a host costs nothing until one runs. */
export function runnerBundle(): Promise<string> {
  runner ??= RUNS_BUILD
    ? readFile(distFile(RUNNER_FILE), 'utf8')
    : import('esbuild').then((esbuild) => esbuild.build({ ...RUNNER_BUILD, write: false, logLevel: 'silent' })).then((out) => out.outputFiles[0]!.text);
  return runner;
}

/**
 * The script is an ES module, so code in it can read `import.meta` (url, filename, dirname, resolve), all
 * naming the child's per-child temp folder. The runner bundle is an IIFE and cannot reach `import.meta`,
 * hence this trusted line between the runner and the module: empty it and freeze it.
 */
const SEAL_IMPORT_META = ';(function (m) { for (const k of Reflect.ownKeys(m)) delete m[k]; Object.freeze(m); })(import.meta);';

/**
 * The module bundle goes in a function, so the runner can evaluate a FRESH instance of the module
 * whenever it needs one (each backtest run, each scan session): module-level state (a `const memo =
 * new Map()` at the top of a strategy) then cannot carry candles from one run into the next, where
 * they would be the future (a run's gate re-runs and look-ahead cuts all see the same candles).
 */
export async function childScript(moduleBundle: string): Promise<string> {
  const head = await runnerBundle();
  const factory = `function () {\n${moduleBundle}\n;return typeof __module === 'undefined' ? undefined : __module;\n}`;
  return `${head}\n${SEAL_IMPORT_META}\n__brainStart(${factory});\n`;
}
