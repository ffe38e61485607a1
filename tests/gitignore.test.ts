/** Issue 12: what the daemon and the CLI write under the working directory never shows up as untracked files in the source tree. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/paths.ts';

const ignored = readFileSync(join(PROJECT_ROOT, '.gitignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

it('the version archives (strategy/archive, statistics/archive) and the runtime data folder are git-ignored', () => {
  expect(ignored).toEqual(expect.arrayContaining(['strategy/archive/', 'statistics/archive/', 'data/*']));
});
