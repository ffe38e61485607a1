/**
 * Entry of the gate process's startup snapshot (built by src/build/gate-snapshot.ts; started by
 * child-process.ts as `node --snapshot-blob FILE REPO_ROOT`). V8 saves this script's heap after one run
 * of the gates: the compiler loaded and its code compiled, the library, the contract's declaration and
 * the skills parsed and bound. A process started from it begins there (~0.1 s to its first request,
 * against ~0.3 s of loading and parsing). Each check still reads the checkout: a parsed file is used
 * only while its text is the same (type-check.ts parsedFiles), so a snapshot never judges by
 * yesterday's contract.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { PROJECT_ROOT } from '../../paths.ts';
import { serveGates } from './gate-service.ts';
import { GatePipeline } from './pipeline.ts';
import { ACTIVE_STRATEGY_FILE } from './types.ts';

warmUp();
startupSnapshot.setDeserializeMainFunction(() => {
  // The only argument: Node 20 gives it as argv[1], later versions as argv[2].
  const repoRoot = process.argv.length > 1 ? process.argv.at(-1) : undefined;
  if (!repoRoot) throw new Error('usage: node --snapshot-blob FILE REPO_ROOT (the checkout whose contract and skills the gates read)');
  serveGates(new GatePipeline(repoRoot));
});

/**
 * Runs the gates once, up to the type check, on the active strategy with a type error added: the
 * library, the contract's declaration and the skills are then parsed and bound in the snapshot (kept
 * while their text is unchanged, see type-check.ts parsedFiles), and the gates' code compiled. The
 * error stops the run before the bundle: esbuild's service process must not start here.
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
