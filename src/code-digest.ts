/**
 * Content digests for the caches that keep a verdict by what produced it (the static gates' verdicts,
 * the evaluator canaries' reports): a changed file anywhere under a hashed folder is another key.
 */
import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Every file under `dir` as `label/path\0sha256` lines, sorted (a missing folder hashes as empty). */
export function folderDigest(dir: string, label: string): string {
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    // A missing folder: nothing of it in the key, as nothing of it can be in the verdict.
  }
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return files.map((f) => `${label}/${relative(dir, f)}\0${sha256(readFileSync(f))}`).join('\n');
}
