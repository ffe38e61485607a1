/**
 * The compiled build (`npm run build`; `npm ci` and `npm install` run it as `prepare`): esbuild bundles the
 * `brain` command, the gate process and the sandbox child's runner into dist/, so a running daemon loads
 * plain JavaScript instead of its TypeScript through tsx. Why: tsx runs its module hooks on a thread of its
 * own, a second V8 heap resident for the daemon's whole life (~20 MB of RSS), and transpiles some 450
 * modules at each start; and every process that started a sandbox child had esbuild bundle its runner.
 *
 * What stays as it is: packages are external (node_modules is read at run time, so native addons and
 * pino's worker threads load as installed); lazy imports stay lazy (code splitting; chunks of earlier
 * builds are kept a week, so a daemon started before a rebuild still finds its own); files the code reads
 * beside itself (migrations, what the gates hash, the sample data) stay in the checkout: each module's
 * import.meta.url becomes the URL of its source file, so every path resolves exactly as from the sources.
 * src/cli/bin.mjs runs dist/ only while every input is older than the build (dist/manifest.json), and
 * the sources through tsx otherwise: an edited checkout never runs yesterday's code.
 */
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { writeFileAtomic } from '../files.ts';
import { importMetaUrlAs } from './import-meta-url.ts';
import { RUNNER_BUILD, RUNNER_FILE } from '../sandbox/host/runner-script.ts';
import { BUNDLE_ENTRIES } from './runtime.ts';

export interface BundleManifest {
  /** Wall time (ms) taken before esbuild read any input: an input modified after it makes the build stale. */
  readonly builtAt: number;
  /** Every source file the bundles were built from, relative to the project root. */
  readonly inputs: readonly string[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The one module whose import.meta.url must name dist/ in the build (runtime.ts). */
const RUNTIME = fileURLToPath(new URL('./runtime.ts', import.meta.url));
/** Where `npm run build` writes (tests build elsewhere). */
export const DIST = join(ROOT, 'dist');

/** In dist/: relative to the bundle, so the build works wherever the checkout is; runtime.ts keeps its own (it names dist/). */
const sourceUrls = (dist: string): Plugin =>
  importMetaUrlAs((file) => (file === RUNTIME ? null : `new URL(${JSON.stringify(relative(dist, file).split(sep).join('/'))}, import.meta.url).href`));

/**
 * A daemon started on an earlier build still loads its lazy chunks from dist/ (by content hash): chunks
 * no build uses are removed only once a week old, well past any restart after an update.
 */
const KEEP_EARLIER_BUILDS_MS = 7 * 24 * 3600_000;

function pruneEarlierBuilds(dist: string, current: ReadonlySet<string>, now: number): void {
  for (const name of readdirSync(dist)) {
    const path = join(dist, name);
    if (name === 'manifest.json' || current.has(path)) continue;
    if (now - statSync(path).mtimeMs > KEEP_EARLIER_BUILDS_MS) unlinkSync(path);
  }
}

/** Builds dist/ (each file written beside and renamed into place, the manifest last); returns the manifest. */
export async function buildBundles(dist = DIST): Promise<BundleManifest> {
  mkdirSync(dist, { recursive: true });
  const builtAt = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(BUNDLE_ENTRIES).map(([out, src]) => ({ in: src, out })),
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Chunks keep lazy imports lazy: without them every package any command uses would load at each start.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Error classes and functions keep their names (logs and error codes print them).
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'warning',
    define: { BRAIN_BUNDLED: 'true' },
    plugins: [sourceUrls(dist)],
  });
  // The sandbox child's runner: bundled here once instead of by esbuild in every process that starts a child.
  const runner = await build({ ...RUNNER_BUILD, absWorkingDir: ROOT, outfile: join(dist, RUNNER_FILE), metafile: true, write: false, logLevel: 'warning' });
  const outputs = [...result.outputFiles, ...runner.outputFiles];
  for (const file of outputs) writeFileAtomic(file.path, file.contents);
  pruneEarlierBuilds(dist, new Set(outputs.map((f) => f.path)), builtAt);
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...Object.keys(runner.metafile.inputs)])]
    .filter((f) => !f.includes('node_modules/'))
    .sort();
  const manifest: BundleManifest = { builtAt, inputs };
  writeFileAtomic(join(dist, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  const m = await buildBundles();
  console.log(
    `dist/: ${[...Object.keys(BUNDLE_ENTRIES), RUNNER_FILE].join(', ')} from ${m.inputs.length} source files in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
  // What the static gates' first type check makes for the next ones: made now, not by an operator's first backtest.
  const t1 = performance.now();
  try {
    (await import('../sandbox/gates/type-check.ts')).warmTypeCheck(ROOT);
    console.log(`type check prepared (compiled code, contract declaration) in ${((performance.now() - t1) / 1000).toFixed(2)} s`);
  } catch (err) {
    console.log(`type check not prepared (${String(err)}): the first check makes it instead`);
  }
  const t2 = performance.now();
  try {
    const blob = await (await import('./gate-snapshot.ts')).buildGateSnapshot(DIST);
    console.log(`gate process snapshot ${relative(ROOT, blob)} in ${((performance.now() - t2) / 1000).toFixed(2)} s`);
  } catch (err) {
    console.log(`gate process snapshot not made (${String(err)}): gate processes load the compiler instead`);
  }
}
