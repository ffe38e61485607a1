/**
 * `brain data import <csv-dir>`: reads every *.csv in a folder, validates ALL of them first, then
 * writes them in one transaction, so a bad file leaves the store untouched.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Candle, Pair, Timeframe } from '../contract/index.ts';
import { parseCandleCsv, seriesFromFileName } from './csv.ts';
import type { CandleDb } from './types.ts';

export interface ImportedFile {
  readonly file: string;
  readonly pair: Pair;
  readonly timeframe: Timeframe;
  readonly rows: number;
  readonly from: number | null;
  readonly to: number | null;
}

export async function listCsvFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
  return names.map((f) => join(dir, f));
}

export async function importCsvDir(db: CandleDb, dir: string): Promise<ImportedFile[]> {
  const parsed: { file: string; pair: Pair; timeframe: Timeframe; candles: Candle[] }[] = [];
  for (const file of await listCsvFiles(dir)) {
    const { pair, timeframe } = seriesFromFileName(file);
    const candles = parseCandleCsv(await readFile(file), file, timeframe);
    parsed.push({ file, pair, timeframe, candles });
  }
  db.transaction(() => {
    for (const p of parsed) db.repo.upsertMany(p.pair, p.timeframe, p.candles);
  });
  return parsed.map(({ file, pair, timeframe, candles }) => ({
    file,
    pair,
    timeframe,
    rows: candles.length,
    from: candles[0]?.time ?? null,
    to: candles.at(-1)?.time ?? null,
  }));
}
