/**
 * A strategy file's version id is its bundle's hash, so the bundle must not depend on where `brain`
 * runs: esbuild wrote the module's paths relative to the working folder of the process that started
 * its service, and the same file gated by `brain backtest` in a data folder and by the daemon's gate
 * process (which works in the checkout) got two ids.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const GATE = `
  import { readFileSync } from 'node:fs';
  import { GatePipeline } from ${JSON.stringify(join(PROJECT_ROOT, 'src/sandbox/gates/pipeline.ts'))};
  const source = readFileSync(${JSON.stringify(join(PROJECT_ROOT, 'strategy/active/strategy.ts'))}, 'utf8');
  const outcome = await new GatePipeline(${JSON.stringify(PROJECT_ROOT)}).run({ kind: 'strategy', source });
  process.stdout.write(outcome.ok ? outcome.bundleSha256 : JSON.stringify(outcome.issues));
`;

/** The bundle hash of the active strategy, gated by a fresh process working in `cwd`. */
const bundleFrom = (cwd: string): string =>
  execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', GATE], { cwd, encoding: 'utf8' });

describe('the bundle of a strategy file', () => {
  it('is the same whatever the working folder of the process that gates it', () => {
    const inCheckout = bundleFrom(PROJECT_ROOT);
    expect(inCheckout).toMatch(/^[0-9a-f]{64}$/);
    expect(bundleFrom(tmpdir())).toBe(inCheckout);
  }, 60_000);
});
