/**
 * The environment the deploy files start the daemon with (deploy/trading-brain.service's Environment=
 * lines; the Dockerfile sets the same, tests/deploy keeps them equal): the footprint and soak benches
 * start their daemons with exactly these, so their figures are production's whatever the caller's
 * environment. Bench only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentBundle } from '../../src/build/current.mjs';
import { PROJECT_ROOT } from '../../src/paths.ts';

export function productionEnv(): Record<string, string> {
  const unit = readFileSync(join(PROJECT_ROOT, 'deploy/trading-brain.service'), 'utf8');
  const env: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  return env;
}

/** One line saying what the daemons below run with. */
export function describeProductionEnv(): string {
  const env = productionEnv();
  return `daemons start with the deploy unit's environment: ${Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')} (brain run adds its own V8 heap flags, src/daemon/heap.ts); \`brain\` runs ${
    currentBundle(pathToFileURL(PROJECT_ROOT)) ? 'the compiled build (dist/)' : 'the sources through tsx (no current dist/: npm run build)'
  }`;
}
