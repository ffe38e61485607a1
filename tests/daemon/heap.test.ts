/**
 * Footprint (issues 17.8, 18.2): the heap settings `brain run` applies to itself keep V8's heap near the
 * live data under allocation churn, where V8's default lets it grow to several times that. A child
 * process holds ~25 MB live while replacing part of it and allocating garbage, as a replay does.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const CHURN = `
const { tuneHeap } = await import(${JSON.stringify(join(PROJECT_ROOT, 'src/daemon/heap.ts'))});
if (process.argv.includes('tuned')) tuneHeap();
const live = Array.from({ length: 40 }, () => Array.from({ length: 10000 }, (_, i) => ({ i })));
let peak = 0;
for (let r = 0; r < 150; r++) {
  const junk = Array.from({ length: 20000 }, (_, i) => ({ i, s: 'x' + i }));
  live[r % 40] = Array.from({ length: 10000 }, (_, i) => ({ i, r, n: junk.length }));
  peak = Math.max(peak, process.memoryUsage().heapTotal);
}
globalThis.gc();
console.log(JSON.stringify({ live: process.memoryUsage().heapUsed, peak }));`;

/** Peak heap over live heap; the deploy files' --max-semi-space-size=2 as in production. */
function peakOverLive(tuned: boolean): number {
  const args = ['--expose-gc', '--max-semi-space-size=2', '--import', 'tsx', '--input-type=module', '-e', CHURN, ...(tuned ? ['tuned'] : [])];
  const r = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  const { live, peak } = JSON.parse(r.stdout) as { live: number; peak: number };
  return peak / live;
}

describe("the daemon's heap settings", () => {
  it('keep the heap within 2.5× the live data under churn (V8 alone lets it reach more)', () => {
    const tuned = peakOverLive(true);
    expect(tuned).toBeLessThan(2.5);
    expect(peakOverLive(false)).toBeGreaterThan(tuned);
  }, 60_000);
});
