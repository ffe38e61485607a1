/**
 * Entry of the gate process's startup snapshot (built by src/build/gate-snapshot.ts; started by
 * child-process.ts as `node --snapshot-blob FILE REPO_ROOT`). V8 saves this script's heap after one type
 * check: the compiler loaded and its code compiled, the library, the contract's declaration and
 * the skills parsed and bound. A process started from it begins there (~0.1 s to its first request,
 * against ~0.3 s of loading and parsing). Each check still reads the checkout: a parsed file is used
 * only while its text is the same (type-check.ts parsedFiles), so a snapshot never judges by
 * yesterday's contract.
 */
import { startupSnapshot } from 'node:v8';
import { PROJECT_ROOT } from '../../paths.ts';
import { serveGates } from './gate-service.ts';
import { GatePipeline } from './pipeline.ts';
import { warmTypeCheck } from './type-check.ts';

// One type check of the active strategy: the library, the contract's declaration and the skills are then
// parsed and bound in the snapshot (kept while their text is unchanged, see type-check.ts parsedFiles),
// and the checker's code compiled. It stops short of the bundle: esbuild's service process must not
// start here.
warmTypeCheck(PROJECT_ROOT);
startupSnapshot.setDeserializeMainFunction(() => {
  // The only argument: Node 20 gives it as argv[1], later versions as argv[2].
  const repoRoot = process.argv.length > 1 ? process.argv.at(-1) : undefined;
  if (!repoRoot) throw new Error('usage: node --snapshot-blob FILE REPO_ROOT (the checkout whose contract and skills the gates read)');
  serveGates(new GatePipeline(repoRoot));
});
