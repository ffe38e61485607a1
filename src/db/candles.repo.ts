/**
 * Candles per (pair, timeframe). Ranges are half-open [from, to) on the candle OPEN time in ms.
 * Bulk paths avoid per-candle work: prepared multi-row upserts inside one transaction, and positional reads
 * straight into Float64Arrays. Rows are not zod-validated on the way out (the cost would be per candle).
 */
import type { Candle, CandleColumns, Pair, Timeframe } from '../contract/index.ts';
import type { Db, SqlValue } from './connection.ts';

export interface CandlesRepo {
  /** Inserts or replaces candles in one transaction; returns how many rows were written. */
  upsertMany(pair: Pair, timeframe: Timeframe, candles: readonly Candle[]): number;
  range(pair: Pair, timeframe: Timeframe, from: number, to: number): Candle[];
  rangeColumns(pair: Pair, timeframe: Timeframe, from: number, to: number): CandleColumns;
  /** Open time of the newest stored candle, or null when there is none. */
  latestTime(pair: Pair, timeframe: Timeframe): number | null;
  count(pair: Pair, timeframe: Timeframe): number;
  /** Deletes candles in [from, to); returns how many were removed. */
  deleteRange(pair: Pair, timeframe: Timeframe, from: number, to: number): number;
}

const COLUMNS = 'time, open, high, low, close, volume';
const RANGE = 'FROM candles WHERE pair = ? AND timeframe = ? AND time >= ? AND time < ?';

function toColumns(rows: readonly SqlValue[][]): CandleColumns {
  const n = rows.length;
  const cols = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i] as number[];
    cols.time[i] = r[0] as number;
    cols.open[i] = r[1] as number;
    cols.high[i] = r[2] as number;
    cols.low[i] = r[3] as number;
    cols.close[i] = r[4] as number;
    cols.volume[i] = r[5] as number;
  }
  return cols;
}

function upsertSql(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  return `INSERT INTO candles (pair, timeframe, ${COLUMNS}) VALUES ${values}
     ON CONFLICT (pair, timeframe, time) DO UPDATE SET
       open = excluded.open, high = excluded.high, low = excluded.low,
       close = excluded.close, volume = excluded.volume`;
}

// Each run() crosses into native code; BATCH rows per call halves the cost of a bulk import.
const BATCH = 64;
const FIELDS = 8;

function putRow(params: SqlValue[], row: number, pair: Pair, timeframe: Timeframe, c: Candle): void {
  const at = row * FIELDS;
  params[at] = pair;
  params[at + 1] = timeframe;
  params[at + 2] = c.time;
  params[at + 3] = c.open;
  params[at + 4] = c.high;
  params[at + 5] = c.low;
  params[at + 6] = c.close;
  params[at + 7] = c.volume;
}

export function candlesRepo(db: Db): CandlesRepo {
  const upsertOne = db.prepare(upsertSql(1));
  const upsertBatch = db.prepare(upsertSql(BATCH));
  const upsertAll = (pair: Pair, timeframe: Timeframe, candles: readonly Candle[]): number => {
    const batch = new Array<SqlValue>(BATCH * FIELDS);
    const full = candles.length - (candles.length % BATCH);
    for (let start = 0; start < full; start += BATCH) {
      for (let j = 0; j < BATCH; j++) putRow(batch, j, pair, timeframe, candles[start + j] as Candle);
      upsertBatch.run(batch);
    }
    const one = new Array<SqlValue>(FIELDS);
    for (let i = full; i < candles.length; i++) {
      putRow(one, 0, pair, timeframe, candles[i] as Candle);
      upsertOne.run(one);
    }
    return candles.length;
  };
  const selectRange = db.prepare(`SELECT ${COLUMNS} ${RANGE} ORDER BY time`);
  const selectLatest = db.prepare('SELECT MAX(time) AS t FROM candles WHERE pair = ? AND timeframe = ?');
  const selectCount = db.prepare('SELECT COUNT(*) AS n FROM candles WHERE pair = ? AND timeframe = ?');
  const deleteStmt = db.prepare(`DELETE ${RANGE}`);

  return {
    upsertMany: (pair, timeframe, candles) => db.transaction(() => upsertAll(pair, timeframe, candles)),
    range: (pair, timeframe, from, to) =>
      // The SELECT list matches Candle's keys exactly, so rows are candles as they come.
      selectRange.all<Candle>([pair, timeframe, from, to]),
    rangeColumns: (pair, timeframe, from, to) => toColumns(selectRange.values([pair, timeframe, from, to])),
    latestTime: (pair, timeframe) => selectLatest.get<{ t: number | null }>([pair, timeframe])?.t ?? null,
    count: (pair, timeframe) => selectCount.get<{ n: number }>([pair, timeframe])?.n ?? 0,
    deleteRange: (pair, timeframe, from, to) => deleteStmt.run([pair, timeframe, from, to]).changes,
  };
}
