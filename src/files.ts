/** File writes the daemon's readers can rely on. */
import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes `data` beside `file` (a name of this process's own) and renames it into place: a reader sees
 * the old file or the whole new one, never half of it, and two processes writing at once never share
 * a temporary file.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
