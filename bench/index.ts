/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) in sequence and
 * prints their figures. Benchmarks are not tests: they print numbers, they do not assert timings.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Names select benches; `--flag value` pairs are left to the benches themselves (e.g. `soak --days 3`).
const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && !all[i - 1]?.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

for (const file of files) {
  console.log(`\n== ${file}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await mod.default();
}
if (files.length === 0) console.log('no benchmarks matched', only.join(' '));
