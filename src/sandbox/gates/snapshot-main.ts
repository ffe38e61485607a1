/**
 * Entry of the gate process's startup snapshot (built by src/build/gate-snapshot.ts; started by
 * child-process.ts as `node --snapshot-blob FILE REPO_ROOT`). V8 saves this script's heap once the
 * compiler is loaded, the library parsed and bound, and the gates' code compiled by one run; a process
 * started from it begins there (~0.1 s to its first request, against ~0.3 s of loading and parsing).
 * Only what depends on the compiler alone is kept: the contract, the skills and the checkout are read at
 * each check, as in every gate process, so a snapshot never judges by yesterday's contract.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { PROJECT_ROOT } from '../../paths.ts';
import { serveGates } from './gate-service.ts';
import { GatePipeline } from './pipeline.ts';
import { prepareLibrary } from './type-check.ts';
import { ACTIVE_STRATEGY_FILE } from './types.ts';

prepareLibrary();
warmUp();
startupSnapshot.setDeserializeMainFunction(() => {
  // The only argument: Node 20 gives it as argv[1], later versions as argv[2].
  const repoRoot = process.argv.length > 1 ? process.argv.at(-1) : undefined;
  if (!repoRoot) throw new Error('usage: node --snapshot-blob FILE REPO_ROOT (the checkout whose contract and skills the gates read)');
  serveGates(new GatePipeline(repoRoot));
});

/**
 * Runs the gates once, up to the type check, on the active strategy with a type error added: their
 * code is then compiled in the snapshot (a first check took ~85 ms instead of ~55). The error stops the
 * run before the bundle (esbuild's service process must not start here). The pipeline, with the
 * checkout's contract it read, is dropped.
 */
function warmUp(): void {
  let source = 'export default 0;\n';
  try {
    source = readFileSync(join(PROJECT_ROOT, ACTIVE_STRATEGY_FILE), 'utf8');
  } catch {
    // No active file: an empty module still compiles most of it.
  }
  void new GatePipeline(PROJECT_ROOT).run({ kind: 'strategy', source: `${source}\nexport const warmUp: number = 'not a number';\n` });
}
