/**
 * What the sandbox benches share: v001 built through the real gates, the pair setup they scan with,
 * and price series built from the shared 5m files. One copy, so the sandbox and scan-latency figures
 * always come from the same bundle and the same data (bench only: never imported by src/ or tests/).
 */
import { readFileSync } from 'node:fs';
import type { Pair } from '../../src/contract/pairs.ts';
import { formatIssue, Gates } from '../../src/sandbox/gates/index.ts';
import type { PairSetup } from '../../src/sandbox/protocol.ts';
import { sharedOhlcvDir } from '../../src/paths.ts';

const FILES = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'DOGE-USD'];
/** Row offset between series that reuse the same file, so they are not copies of one another. */
const SERIES_OFFSET = 997;
/** 2024-01-01 00:00 UTC: the grid's first open time. */
const GRID_START_MS = 1_704_067_200_000;
const STEP_MS = 300_000;

/** The v001 bundle, built from strategy/active/strategy.ts through every gate (as seeding does). */
export async function v001Bundle(root: string): Promise<string> {
  const g = await new Gates(root).run({ kind: 'strategy', source: readFileSync(`${root}/strategy/active/strategy.ts`, 'utf8') });
  if (!g.ok) throw new Error(`strategy/active/strategy.ts failed the gates; fix it before benchmarking:\n${g.issues.map(formatIssue).join('\n')}`);
  return g.bundle;
}

/** Kraken's base fees and loose rules: the same setup the canary scans with. */
export function pairSetup(pair: Pair): PairSetup {
  return {
    pair,
    params: {},
    fees: { maker: 0.0025, taker: 0.004 },
    rules: { pair, tickSize: 0.01, priceDecimals: 2, lotDecimals: 8, orderMin: 0.0001, costMin: 0.5 },
  };
}

/** o,h,l,c,v rows of each shared file, flattened. */
function loadRows(): number[][] {
  const dir = sharedOhlcvDir();
  return FILES.map((f) =>
    readFileSync(`${dir}/${f}_5m.csv`, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .flatMap((l) => l.split(',').slice(1, 6).map(Number)),
  );
}

/**
 * `nSeries` series × `nSteps` on one 5m grid; series s reuses file s % 5 from row s × 997, rows
 * repeated to reach nSteps. cols[s] holds the columns o,h,l,c,v; each row is a real candle.
 */
export function grid(nSteps: number, nSeries: number): { time: Float64Array; cols: Float64Array[][] } {
  const raw = loadRows();
  const time = Float64Array.from({ length: nSteps }, (_, i) => GRID_START_MS + i * STEP_MS);
  const cols = Array.from({ length: nSeries }, (_, s) => {
    const src = raw[s % FILES.length]!;
    const rows = src.length / 5;
    return [0, 1, 2, 3, 4].map((k) => Float64Array.from({ length: nSteps }, (_, i) => src[((i + s * SERIES_OFFSET) % rows) * 5 + k]!));
  });
  return { time, cols };
}
