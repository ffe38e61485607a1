/**
 * CSV candles: `time,open,high,low,close,volume`, time in unix SECONDS of the candle open (converted
 * to ms here, at the edge). Every row is validated; the first bad row stops the import with an
 * error naming the file, the line and the offending text. Files are named `<BASE>-<QUOTE>_<tf>.csv`
 * (e.g. `BTC-USD_5m.csv`), as in ../shared/data/ohlcv.
 */
import { PairSchema, TimeframeSchema, timeframeMs, type Candle, type Pair, type Timeframe } from '../contract/index.ts';
import { MarketDataError } from './errors.ts';

export const CSV_HEADER = 'time,open,high,low,close,volume';
const NAME_RE = /^([A-Z0-9]+)-([A-Z0-9]+)_([0-9]+[mhd])\.csv$/;

export function seriesFromFileName(file: string): { pair: Pair; timeframe: Timeframe } {
  const base = file.split(/[\\/]/).at(-1) ?? file;
  const m = NAME_RE.exec(base);
  const pair = m ? PairSchema.safeParse(`${m[1]}/${m[2]}`) : null;
  const timeframe = m ? TimeframeSchema.safeParse(m[3]) : null;
  if (!pair?.success || !timeframe?.success) {
    throw new MarketDataError(
      'csv_name',
      `${file}: cannot tell pair and timeframe from the name; name it <BASE>-<QUOTE>_<tf>.csv with a known pair and one of ${TimeframeSchema.options.join(', ')} (e.g. BTC-USD_5m.csv)`,
    );
  }
  return { pair: pair.data, timeframe: timeframe.data };
}

function rowError(file: string, line: number, problem: string, raw: string): MarketDataError {
  return new MarketDataError('csv_invalid', `${file}:${line}: ${problem}, got "${raw.slice(0, 120)}"; fix or remove the row and import again`);
}

function parseRow(raw: string, file: string, line: number, step: number): Candle {
  const cells = raw.split(',');
  if (cells.length !== 6) throw rowError(file, line, `expected 6 fields (${CSV_HEADER})`, raw);
  const nums = cells.map((c) => (c.trim() === '' ? Number.NaN : Number(c)));
  const [time, open, high, low, close, volume] = nums as [number, number, number, number, number, number];
  if (!nums.every(Number.isFinite)) throw rowError(file, line, 'every field must be a finite number', raw);
  if (!Number.isInteger(time) || time < 0) throw rowError(file, line, 'time must be whole unix seconds', raw);
  if (!(open > 0 && high > 0 && low > 0 && close > 0) || volume < 0) throw rowError(file, line, 'prices must be > 0 and volume >= 0', raw);
  if (low > Math.min(open, close) || high < Math.max(open, close)) throw rowError(file, line, 'need low <= open,close <= high', raw);
  const ms = time * 1000;
  if (ms % step !== 0) throw rowError(file, line, `time is not aligned to the file's ${step / 60_000}-minute interval`, raw);
  return { time: ms, open, high, low, close, volume };
}

/** Parses and validates a whole file; rows must be strictly ascending in time. */
export function parseCandleCsv(text: string, file: string, timeframe: Timeframe): Candle[] {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim();
  if (header !== CSV_HEADER) throw rowError(file, 1, `expected the header "${CSV_HEADER}"`, header);
  const step = timeframeMs(timeframe);
  const out: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const candle = parseRow(raw, file, i + 1, step);
    const prev = out.at(-1);
    if (prev && candle.time <= prev.time) throw rowError(file, i + 1, 'time must be strictly after the previous row', raw);
    out.push(candle);
  }
  return out;
}
