/**
 * The gate process's startup snapshot (src/sandbox/gates/snapshot-main.ts), made by `npm run build` after
 * the bundles: esbuild bundles its entry, the compiler included, into one CommonJS script (a snapshot's
 * script can load nothing else), and `node --build-snapshot` runs it and saves the heap. A gate process
 * started from it (child-process.ts) skips loading the compiler and parsing the library: `brain
 * backtest` on a new strategy file checks its types on the other core while this one parses the CSV.
 * Within the script: import.meta.url is each module's source file (as in dist/), esbuild is loaded from
 * node_modules at its first bundle (it runs as a service process, which no snapshot can hold), and the
 * compiler comes bundled (compiler-bundled.ts) instead of through vm.Script and its code cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { writeFileAtomic } from '../files.ts';
import { importMetaUrlAs } from './import-meta-url.ts';
import { gateSnapshotFiles, gateSnapshotStamp } from '../sandbox/gates/snapshot.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = join(ROOT, 'src/sandbox/gates/snapshot-main.ts');

function snapshotModules(): Plugin {
  return {
    name: 'gate-snapshot-modules',
    setup(b) {
      b.onResolve({ filter: /\/compiler-cache\.ts$/ }, () => ({ path: join(ROOT, 'src/sandbox/gates/compiler-bundled.ts') }));
      b.onResolve({ filter: /^esbuild$/ }, () => ({ path: 'esbuild', namespace: 'esbuild-at-run-time' }));
      b.onLoad({ filter: /.*/, namespace: 'esbuild-at-run-time' }, () => ({
        loader: 'js',
        contents: `const { createRequire } = require('node:module');
let esbuild;
const load = () => (esbuild ??= createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('esbuild'));
export const build = (...args) => load().build(...args);`,
      }));
    },
  };
}

/** Makes the snapshot in `dir` (dist/ for the build); returns its blob. Throws with node's output when it cannot. */
export async function buildGateSnapshot(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const files = gateSnapshotFiles(dir);
  // No stamp, no use (snapshot.ts): a build that fails from here on leaves the last snapshot unused, not current.
  rmSync(files.stamp, { force: true });
  const script = join(dir, 'gate-snapshot-entry.cjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    outfile: script,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    keepNames: true,
    logLevel: 'warning',
    // A snapshot is made for one checkout (its stamp's root): the source files' absolute URLs.
    plugins: [snapshotModules(), importMetaUrlAs((file) => JSON.stringify(pathToFileURL(file).href))],
  });
  const blob = `${files.blob}.${process.pid}.tmp`;
  try {
    // Node warns that some of its modules are not yet verified in snapshots; those the gates use are tested (tests/sandbox/gate-snapshot.test.ts).
    // No NODE_OPTIONS: V8 starts from a snapshot only under the flags that made it, and the gate
    // process runs with none (child-process.ts, an empty environment). The Docker image builds with
    // --max-semi-space-size in it, which made every start from the snapshot fail.
    const env = { ...process.env, NODE_OPTIONS: '' };
    const made = spawnSync(process.execPath, ['--no-warnings', '--snapshot-blob', blob, '--build-snapshot', script], { cwd: ROOT, encoding: 'utf8', env });
    if (made.status !== 0) throw new Error(`node --build-snapshot exited ${made.status ?? made.signal}: ${(made.stderr || made.stdout).trim().slice(-800)}`);
    renameSync(blob, files.blob);
  } finally {
    rmSync(script, { force: true });
    rmSync(blob, { force: true });
  }
  writeFileAtomic(files.stamp, `${JSON.stringify(gateSnapshotStamp(ROOT))}\n`);
  return files.blob;
}
