/**
 * The daily backup's cost to the daemon: VACUUM INTO runs on the daemon's own connection, so its duration
 * is how long the event loop stands still at 00:45 UTC. A database the size of the default retention
 * (9 pairs: 90 days of 5m candles and 2 years of 1h candles, about 0.4 M rows), backed up three times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase } from '../src/backup/backup.ts';
import { PAIRS } from '../src/contract/index.ts';
import { createRepositories, openDatabase } from '../src/db/index.ts';
import { syntheticCandles } from './lib/candles.ts';
import { median } from './lib/stats.ts';

const T0 = Date.UTC(2024, 0, 1);

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-backup-bench-'));
  const db = openDatabase({ path: join(dir, 'brain.db') });
  try {
    const { candles } = createRepositories(db);
    const fiveMin = syntheticCandles(90 * 288, 300_000, T0, 100);
    const hourly = syntheticCandles(730 * 24, 3_600_000, T0, 100);
    for (const pair of PAIRS) {
      db.transaction(() => {
        candles.upsertMany(pair, '5m', fiveMin);
        candles.upsertMany(pair, '1h', hourly);
      });
    }
    const rows = PAIRS.length * (fiveMin.length + hourly.length);
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      bytes = backupDatabase({ db, dir: join(dir, 'backups'), keep: 1, now: T0 + i * 1000 }).bytes;
      samples.push(performance.now() - start);
    }
    console.log(
      `backup (VACUUM INTO) of ${rows.toLocaleString('en-US')} candle rows, ${(bytes / 1_048_576).toFixed(1)} MB: median ${median(samples).toFixed(0)} ms over ${samples.length} (${samples.map((s) => s.toFixed(0)).join(', ')} ms)`,
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
