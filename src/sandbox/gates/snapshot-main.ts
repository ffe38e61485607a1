/**
 * Entry of the gate process's startup snapshot (built by src/build/gate-snapshot.ts; started by
 * child-process.ts as `node --snapshot-blob FILE REPO_ROOT`). V8 saves this script's heap once the
 * compiler is loaded and the library parsed and bound; a process started from it begins with both
 * (~0.1 s to its first request, against ~0.3 s of loading and parsing). Only what depends on the
 * compiler alone is made here: the contract, the skills and the checkout are read at each check, as
 * in every gate process, so a snapshot never judges by yesterday's contract.
 */
import { startupSnapshot } from 'node:v8';
import { serveGates } from './gate-service.ts';
import { GatePipeline } from './pipeline.ts';
import { prepareLibrary } from './type-check.ts';

prepareLibrary();
startupSnapshot.setDeserializeMainFunction(() => {
  // The only argument: Node 20 gives it as argv[1], later versions as argv[2].
  const repoRoot = process.argv.length > 1 ? process.argv.at(-1) : undefined;
  if (!repoRoot) throw new Error('usage: node --snapshot-blob FILE REPO_ROOT (the checkout whose contract and skills the gates read)');
  serveGates(new GatePipeline(repoRoot));
});
