/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) in sequence and
 * prints their figures. Benchmarks are not tests: they print numbers, they do not assert timings.
 * Flags go to the benches themselves: `npm run bench -- soak --days 3`, `npm run bench -- evolver -- --workers 1,2,4`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentBundle } from '../src/build/current.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// Names select benches; flags and their values go to the benches (`soak --days 3`), as does all after a `--`
// (`evolver -- --workers 1,2,4`). Names come first: a flag's value is never taken for a name.
const argv = process.argv.slice(2);
const isFlagValue = (i: number) => argv[i - 1]?.startsWith('--') === true && argv[i - 1] !== '--';
const split = argv.indexOf('--');
const head = split < 0 ? argv : argv.slice(0, split);
const only = head.filter((a, i) => !a.startsWith('-') && !isFlagValue(i));
const benchArgs = [...head.filter((a, i) => a.startsWith('-') || isFlagValue(i)), ...(split < 0 ? [] : argv.slice(split + 1))];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

// bin.mjs picks dist/ or the sources at every `brain` a bench starts: a source edited meanwhile moves the
// later ones to tsx without a word, and their figures with them. Checked again at the end, and said.
const root = new URL('../', import.meta.url);
const builtAtStart = currentBundle(root) !== null;
for (const file of files) {
  console.log(`\n== ${file}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: (args: string[]) => Promise<void> };
  await mod.default(benchArgs);
  if (builtAtStart && currentBundle(root) === null) {
    console.log(
      `\nWARNING: dist/ went stale during ${file} (a source file changed): the \`brain\` processes started after that ran the sources through tsx, so those figures are not the compiled build's. Run npm run build and the bench again.`,
    );
  }
}
if (files.length === 0) console.log('no benchmarks matched', only.join(' '));
