/**
 * Where the project's own folders are: found from this file, never from the working directory or a
 * machine's layout, so a clone placed anywhere (with ../shared beside it) reads the same files.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrainError } from './contract/errors.ts';

/** The checkout's root folder (the one holding package.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The shared development candles: `../shared/data/ohlcv` beside the checkout. */
export const SHARED_OHLCV_DIR = resolve(PROJECT_ROOT, '../shared/data/ohlcv');

/**
 * The shared candle folder, checked: throws naming the folder and what it must hold when it is absent
 * or has no `*_5m.csv` file, instead of failing later on a missing file.
 */
export function sharedOhlcvDir(): string {
  const files = existsSync(SHARED_OHLCV_DIR) ? readdirSync(SHARED_OHLCV_DIR).filter((f) => f.endsWith('_5m.csv')) : [];
  if (files.length === 0) {
    throw new BrainError(
      `no real candles (*_5m.csv) in ${SHARED_OHLCV_DIR}: this needs the shared data set checked out as ` +
        `../shared beside the project root (../shared/data/ohlcv, see its README)`,
      { domain: 'data', code: 'shared_candles_missing', retryable: false },
    );
  }
  return SHARED_OHLCV_DIR;
}
