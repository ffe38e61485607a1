/**
 * The evaluator canaries' report kept by content, so `brain backtest` on candles and costs it has
 * judged before skips ~0.5 s of engine runs (three canaries over the whole 9-pair year). The canaries
 * read nothing of the candidate (canaryConfig replaces its limits, window and warm-up; no canary reads
 * params), so the key is what their verdict is computed from: every candle (pairs, times and the five
 * columns, byte for byte), the cost model (initial cash, slippage, fees, pair rules), the random
 * entries' seed, and the code that computes it (src/backtest, src/trading, src/contract, src/clock,
 * src/sim, strategy/skills and the zod version). A change to any of them is another key; where that
 * code cannot be read (no source folders) nothing is cached. An entry is used only when it names the
 * same key and holds a well-formed report; anything else is a miss and the canaries run. A report that
 * JSON cannot hold exactly (a NaN, an infinity) is not stored. Lives beside the database, as the
 * static gates' verdict cache does.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { folderDigest, packageVersion, readEntry, writeEntry } from '../../content-cache.ts';
import { sha256 } from '../../hash.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import type { EngineConfig, MarketData } from '../engine-types.ts';
import type { CanaryReport } from './canary-report.ts';

export interface CanaryCacheSetup {
  /** Folder of the entries (one JSON file per key). */
  readonly dir: string;
  /** The digest of the code that computes the report (default: canaryCodeDigest()); empty: nothing is cached. */
  readonly codeDigest?: string;
}

/** Folders under the checkout whose files compute a canary report. */
const CODE_FOLDERS = ['src/backtest', 'src/trading', 'src/contract', 'src/clock', 'src/sim', 'strategy/skills'] as const;

let codeDigestMemo: string | undefined;

/** The canary code's digest (read once per process: the code does not change under a running process); '' when no source is there. */
export function canaryCodeDigest(root = PROJECT_ROOT): string {
  if (root === PROJECT_ROOT && codeDigestMemo !== undefined) return codeDigestMemo;
  const folders = CODE_FOLDERS.map((f) => folderDigest(join(root, f), f));
  let zod = '';
  try {
    zod = packageVersion('zod', join(root, 'package.json'));
  } catch {
    // No zod where the source is: treated as no source.
  }
  const digest = folders.some((f) => f === '') || zod === '' ? '' : sha256(`${folders.join('\n')}zod@${zod}`);
  if (root === PROJECT_ROOT) codeDigestMemo = digest;
  return digest;
}

const bytes = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The content key of one canary report: candles, cost model, seed and code (see the file header). */
export function canaryCacheKey(data: MarketData, config: EngineConfig, seed: number, codeDigest: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(['canaries/1', codeDigest, data.pairs, data.time.length, config.initialCash, config.slippage, config.fees, config.rules, seed]));
  h.update(bytes(data.time));
  for (const c of data.columns) for (const col of [c.open, c.high, c.low, c.close, c.volume]) h.update(bytes(col));
  return h.digest('hex');
}

const num = z.number();
const MismatchSchema = z.object({ field: z.string(), index: num.nullable(), a: num.nullable(), b: num.nullable() });
const ReportSchema = z.object({
  passed: z.boolean(),
  buyAndHold: z.object({ passed: z.boolean(), marketChange: num, expected: num, actual: num, costBound: num }),
  randomEntries: z.object({ passed: z.boolean(), trades: num, meanTradeReturn: num, expectedCost: num, standardError: num }),
  lookAhead: z.object({
    passed: z.boolean(),
    from: num,
    result: z.object({ passed: z.boolean(), cuts: z.array(z.object({ step: num, mismatches: z.array(MismatchSchema) })) }),
  }),
});
const EntrySchema = z.object({ key: z.string(), report: ReportSchema });

/**
 * The canaries' report on `data` and `config`: from the cache when an intact entry for its key is
 * there, else `run()` and the report stored. Without a setup, or without readable code, always `run()`.
 */
export async function cachedCanaryRun(
  setup: CanaryCacheSetup | undefined,
  data: MarketData,
  config: EngineConfig,
  seed: number,
  run: () => Promise<CanaryReport>,
): Promise<CanaryReport> {
  const codeDigest = setup?.codeDigest ?? (setup ? canaryCodeDigest() : '');
  if (!setup || codeDigest === '') return run();
  const key = canaryCacheKey(data, config, seed, codeDigest);
  const hit = readEntry(setup.dir, key, EntrySchema);
  // The report as it was written (its key order too): what a run that computed it prints and stores.
  if (hit) return (hit.raw as { report: CanaryReport }).report;
  const report = await run();
  const text = JSON.stringify({ key, report });
  if (isDeepStrictEqual((JSON.parse(text) as { report: unknown }).report, report)) writeEntry(setup.dir, key, text);
  return report;
}
