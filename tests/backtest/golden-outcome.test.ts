/**
 * The backtest's numbers did not move when it was made faster (issue 13.10): the CSV parser, the
 * aligned grid, the host replay, the canaries and the metrics all changed how they compute, not what.
 * fixtures/golden-outcome.json was recorded by golden-outcome.ts on the code before those changes,
 * except the look-ahead canary's cuts, recorded again (and nothing else moved) when its window went
 * from 4096 to 1024 steps (LOOK_AHEAD_CANARY_STEPS says why), and its `from: 0` (the window it was
 * flagged on, added when it could try the next one: LOOK_AHEAD_CANARY_WINDOWS).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenOutcome, writeGoldenCsv } from './golden-outcome.ts';

describe('a fixed backtest from CSV', () => {
  it('prints and stores exactly the figures recorded before the speed-up: metrics, canaries, Monte Carlo, trades, intents, equity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golden-outcome-'));
    try {
      writeGoldenCsv(dir);
      const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/golden-outcome.json'), 'utf8'));
      expect(await goldenOutcome(dir)).toEqual(recorded);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
