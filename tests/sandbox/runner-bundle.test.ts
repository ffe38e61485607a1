/**
 * The sandbox child's runner bundle (src/sandbox/child, with the backtest engine) holds our own code
 * and no package: Deno parses and compiles all of it at every child start, and zod alone, reached
 * through value imports of two schema files, once made up 790 of its 890 KB (a child started in
 * ~110 ms with it, ~30 ms without).
 * The host validates what crosses the boundary with zod; the child never needs it.
 */
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNNER_BUILD } from '../../src/sandbox/host/runner-script.ts';

/** About twice the runner's size without packages (~82 KB): room for the engine to grow, far below one package like zod. */
const RUNNER_CEILING_BYTES = 160_000;

let code: string;
let metafile: Metafile;

beforeAll(async () => {
  const out = await build({ ...RUNNER_BUILD, write: false, metafile: true, logLevel: 'silent' });
  code = out.outputFiles[0]!.text;
  metafile = out.metafile;
});

/** Every source file that imports a package, with the packages it imports: the path to remove if this is not empty. */
function packageImporters(meta: Metafile): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [file, input] of Object.entries(meta.inputs)) {
    if (file.includes('node_modules/')) continue;
    const packages = input.imports.filter((i) => i.path.includes('node_modules/')).map((i) => i.path);
    if (packages.length > 0) found[file] = packages;
  }
  return found;
}

describe('the sandbox runner bundle', () => {
  it('imports no package (zod and any other): every input is a file of this repository', () => {
    expect(packageImporters(metafile)).toEqual({});
    expect(Object.keys(metafile.inputs).filter((file) => file.includes('node_modules/'))).toEqual([]);
  });

  it(`stays under ${RUNNER_CEILING_BYTES / 1000} KB`, () => {
    expect(code.length).toBeGreaterThan(10_000);
    expect(code.length).toBeLessThan(RUNNER_CEILING_BYTES);
  });
});
