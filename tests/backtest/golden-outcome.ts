/**
 * One fixed backtest, as the command runs it from CSV (parse + align + evaluate with the canaries and
 * Monte Carlo), reduced to canonical JSON: every figure printed or stored, the trades, and a digest of
 * the equity curve. tests/backtest/golden-outcome.test.ts compares it with the same outcome recorded
 * before the backtest was made faster (issue 13.10), so a speed-up that moves any number fails.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { inProcessRunner } from '../../src/backtest/runners.ts';
import type { Pair } from '../../src/contract/index.ts';
import { openDatabase } from '../../src/db/index.ts';
import { sharedOhlcvDir } from '../../src/paths.ts';
import { defaultParams, evaluate, loadData } from '../../src/versions/evaluate.ts';
import v001 from '../../strategy/active/strategy.ts';

const PAIRS: readonly Pair[] = ['ETH/USD', 'SOL/USD', 'DOGE/USD'];
const ROWS = 6000;

/** The first ROWS candles of each pair as a CSV folder; DOGE/USD loses every 13th row and a 50-row stretch (gaps on the grid). */
export function writeGoldenCsv(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const pair of PAIRS) {
    const name = `${pair.replace('/', '-')}_5m.csv`;
    const [header, ...rows] = readFileSync(join(sharedOhlcvDir(), name), 'utf8').trim().split('\n');
    const kept = rows.slice(0, ROWS).filter((_, i) => pair !== 'DOGE/USD' || (i % 13 !== 5 && !(i >= 3000 && i < 3050)));
    writeFileSync(join(dir, name), `${[header, ...kept].join('\n')}\n`);
  }
}

/** Numbers as JSON cannot hold them (NaN, ±Infinity, −0) kept as strings, so nothing is lost in the comparison. */
function canonical(x: unknown): unknown {
  if (typeof x === 'number') return Number.isFinite(x) ? (Object.is(x, -0) ? '-0' : x) : String(x);
  if (Array.isArray(x) || ArrayBuffer.isView(x)) return Array.from(x as ArrayLike<unknown>, canonical);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, canonical(v)]));
  return x;
}

export async function goldenOutcome(dir: string): Promise<unknown> {
  const db = openDatabase({ path: ':memory:' });
  try {
    const { data, start } = await loadData({ pairs: PAIRS, timeframe: '5m', from: 0, to: Number.MAX_SAFE_INTEGER, dir, tradeFrom: 0 }, db);
    const config = engineConfig(data.pairs, { params: defaultParams(v001.meta), start: Math.max(start, v001.meta.warmup) });
    const out = await evaluate({ now: () => 0 }, { runner: inProcessRunner(v001, 'golden'), data, config, specs: v001.meta.params, quick: true });
    const equity = createHash('sha256');
    equity.update(new Uint8Array(out.result.equity.value.buffer, out.result.equity.value.byteOffset, out.result.equity.value.byteLength));
    return canonical({
      steps: data.time.length,
      firstTime: data.time[0],
      lastTime: data.time.at(-1),
      metrics: out.metrics,
      gates: out.gates,
      summary: out.result.summary,
      trades: out.result.trades,
      intents: out.result.intents,
      equity: equity.digest('hex'),
    });
  } finally {
    db.close();
  }
}
