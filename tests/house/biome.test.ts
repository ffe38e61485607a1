/**
 * House habits (issue 17.7): the tree is formatted and lints clean by Biome's own rules (biome.json), so a
 * floating promise, an import cycle or a hand-formatted file fails the suite, not a review. `npm run format`
 * rewrites the formatting; `npm run lint` shows the findings with their fixes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const BIOME = join(PROJECT_ROOT, 'node_modules/@biomejs/biome/bin/biome');

describe('house habits', () => {
  it('biome ci finds nothing to format and nothing to lint', () => {
    const r = spawnSync(process.execPath, [BIOME, 'ci', '--colors=off', '--max-diagnostics=20', '.'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`.slice(-6000)).toBe(0);
  });
});
