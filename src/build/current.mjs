// Which code `brain` runs (src/cli/bin.mjs): plain JavaScript, loaded before tsx, so it is no TypeScript.
import { readFileSync, statSync } from 'node:fs';

/**
 * dist/brain.mjs when the compiled build is current, else null: no build, a manifest it cannot read, or a
 * source it was built from edited or removed since (an edited checkout never runs yesterday's code).
 * BRAIN_RUNTIME=tsx forces the sources.
 */
export function currentBundle(root, env = process.env) {
  if (env.BRAIN_RUNTIME === 'tsx') return null;
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/manifest.json', root), 'utf8'));
    for (const input of manifest.inputs) if (statSync(new URL(input, root)).mtimeMs > manifest.builtAt) return null;
    return new URL('dist/brain.mjs', root);
  } catch {
    return null;
  }
}
