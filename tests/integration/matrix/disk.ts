/**
 * A disk that fills while the daemon writes: its data directory on a small tmpfs of its own (root only:
 * where mounting is refused, `smallDisk` says why and the row is skipped), and a filler file that takes
 * every free byte at the chosen moment, removed to give the space back.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Takes every free byte of the filesystem. */
  fill(): void;
  /** Gives the space back. */
  free(): void;
  unmount(): void;
}

/** Mounts a `mb` MB tmpfs at `dir`; a string saying why when the machine does not allow it. */
export function smallDisk(dir: string, mb: number): SmallDisk | string {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    return `cannot mount a ${mb} MB tmpfs at ${dir}: ${(err as Error).message.split('\n')[0]}`;
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill: () => {
      const { bavail, bsize } = statfsSync(dir);
      // tmpfs allocates in pages: one write of every free byte fails with ENOSPC, so write it page by page.
      const page = Buffer.alloc(bsize);
      for (let i = 0; i < bavail; i++) {
        try {
          writeFileSync(filler, page, { flag: 'a' });
        } catch {
          return;
        }
      }
    },
    free: () => rmSync(filler, { force: true }),
    unmount: () => execFileSync('umount', ['-l', dir], { stdio: 'pipe' }),
  };
}
