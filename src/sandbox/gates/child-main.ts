/**
 * Entry of the gate process (child-process.ts forks it) when no startup snapshot of it is current
 * (snapshot-main.ts): loads the static pipeline (the TypeScript compiler and esbuild) and serves gate
 * runs (gate-service.ts). Argument: the repository root the gates read.
 */
import { serveGates } from './gate-service.ts';
import { GatePipeline } from './pipeline.ts';

const repoRoot = process.argv[2];
if (!repoRoot) throw new Error('usage: child-main.ts REPO_ROOT (the checkout whose contract and skills the gates read)');

serveGates(new GatePipeline(repoRoot));
