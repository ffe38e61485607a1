/**
 * The gate process's startup snapshot (snapshot-main.ts; made by `npm run build`, see
 * src/build/gate-snapshot.ts): where it is, and whether this process may start a gate process from it.
 * Only the compiled build it was made with may (dist/ current, which src/cli/bin.mjs checks), on the
 * Node.js and CPU that made it (V8 reads no other's), for the checkout it was made in (its paths are in
 * the heap), with the compiler it holds still the installed one. Otherwise: null, and the gate process
 * starts from child-main.ts as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { distFile, RUNS_BUILD } from '../../build/runtime.ts';
import { packageVersion } from '../../content-cache.ts';

/** What a snapshot was made for; it is used only where every field is the same. */
export interface GateSnapshotStamp {
  readonly node: string;
  readonly arch: string;
  readonly root: string;
  readonly typescript: string;
}

/** The snapshot's files in `dir`, named by the Node.js that reads them: NAME.blob and its stamp, NAME.json. */
export function gateSnapshotFiles(dir: string): { blob: string; stamp: string } {
  const base = join(dir, `gate-snapshot-${process.version}-${process.arch}`);
  return { blob: `${base}.blob`, stamp: `${base}.json` };
}

export function gateSnapshotStamp(root: string): GateSnapshotStamp {
  const at = resolve(root);
  return { node: process.version, arch: process.arch, root: at, typescript: packageVersion('typescript', join(at, 'package.json')) };
}

/** The snapshot a gate process for `repoRoot` may start from, or null. `dir`: where the build put it. */
export function usableGateSnapshot(repoRoot: string, dir: string | null = RUNS_BUILD ? distFile('') : null): string | null {
  if (dir === null) return null;
  const files = gateSnapshotFiles(dir);
  try {
    const made = JSON.parse(readFileSync(files.stamp, 'utf8')) as Partial<GateSnapshotStamp>;
    const now = gateSnapshotStamp(repoRoot);
    const same = made.node === now.node && made.arch === now.arch && made.root === now.root && made.typescript === now.typescript;
    return same && existsSync(files.blob) ? files.blob : null;
  } catch {
    return null;
  }
}
