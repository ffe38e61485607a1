/**
 * CSV candles: `time,open,high,low,close,volume`, time in unix SECONDS of the candle open (converted
 * to ms here, at the edge). Every row is validated; the first bad row stops the import with an
 * error naming the file, the line and the offending text. Files are named `<BASE>-<QUOTE>_<tf>.csv`
 * (e.g. `BTC-USD_5m.csv`), as in ../shared/data/ohlcv.
 *
 * The parser reads bytes straight into columns (no string per line, no object per candle): a year
 * of 5m candles for 9 pairs is ~50 MB, and `brain backtest --data` reads it on every run.
 */
import { PairSchema, TimeframeSchema, timeframeMs, type Candle, type CandleColumns, type Pair, type Timeframe } from '../contract/index.ts';
import { COMMA, CR, DOT, NEWLINE, plainRow, POW10, ZERO } from './csv-row.ts';
import { MarketDataError } from './errors.ts';

export const CSV_HEADER = 'time,open,high,low,close,volume';
const NAME_RE = /^([A-Z0-9]+)-([A-Z0-9]+)_([0-9]+[mhd])\.csv$/;
/**
 * Unix seconds this large are year 5138 and later; unix milliseconds are this large from 1973 on.
 * A time column in ms would otherwise pass every check (whole, on the grid) and store year 56637.
 */
const MILLISECONDS_FROM = 1e11;

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

const SPACE = 32;
const TAB = 9;
const MINUS = 45;
const NINE = 57;
const MAX_DIGITS = 15;
const UTF8 = new TextDecoder();

/** The candles of one file as columns (times in ms), every row checked; rows must be strictly ascending. */
export function parseCandleColumns(input: string | Uint8Array, file: string, timeframe: Timeframe): CandleColumns {
  return new CsvReader(typeof input === 'string' ? new TextEncoder().encode(input) : input, file, timeframeMs(timeframe)).read();
}

/** Parses and validates a whole file as candle objects (see parseCandleColumns). */
export function parseCandleCsv(text: string | Uint8Array, file: string, timeframe: Timeframe): Candle[] {
  const c = parseCandleColumns(text, file, timeframe);
  return Array.from(c.time, (time, i) => ({ time, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! }));
}

class CsvReader {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private readonly fields = new Float64Array(6);

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
    private readonly stepMs: number,
  ) {}

  read(): CandleColumns {
    this.header();
    const rows = this.countRows();
    const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(rows)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const [time, open, high, low, close, volume] = cols;
    const f = this.fields;
    let n = 0;
    let prev = -Infinity;
    while (this.nextLine()) {
      const end = plainRow(this.bytes, this.pos, f);
      if (end >= 0) this.pos = end;
      else if (!this.row()) continue;
      const ms = this.checked(prev);
      time[n] = ms;
      open[n] = f[1]!;
      high[n] = f[2]!;
      low[n] = f[3]!;
      close[n] = f[4]!;
      volume[n] = f[5]!;
      prev = ms;
      n += 1;
    }
    const cut = (c: Float64Array) => (n === rows ? c : c.slice(0, n));
    return { time: cut(time), open: cut(open), high: cut(high), low: cut(low), close: cut(close), volume: cut(volume) };
  }

  private header(): void {
    const end = this.lineEnd(0);
    const header = this.text(0, end).trim();
    if (header !== CSV_HEADER) throw rowError(this.file, 1, `expected the header "${CSV_HEADER}"`, header);
    this.pos = end;
  }

  /**
   * An upper bound on the data rows: the newlines that end one, plus a last line without one. Exact
   * unless there are blank lines, so the columns are usually filled to the end, not copied to a shorter one.
   */
  private countRows(): number {
    const b = this.bytes;
    let rows = b.length > 0 && b[b.length - 1] === NEWLINE ? 0 : 1;
    // From after the header's own newline (pos). indexOf runs natively: a JS loop over every byte took ~0.1 s for a 9-pair 5m year.
    for (let i = b.indexOf(NEWLINE, this.pos + 1); i >= 0; i = b.indexOf(NEWLINE, i + 1)) rows += 1;
    return rows;
  }

  /** Moves to the start of the next line; false at the end of the file. */
  private nextLine(): boolean {
    if (this.pos >= this.bytes.length) return false;
    if (this.bytes[this.pos] === NEWLINE) {
      this.pos += 1;
      this.line += 1;
    }
    this.lineStart = this.pos;
    return this.pos < this.bytes.length;
  }

  /** Reads one line's six fields into `fields`; false for a blank line. Leaves `pos` at the line's end. */
  private row(): boolean {
    const b = this.bytes;
    let i = this.pos;
    while (i < b.length && (b[i] === SPACE || b[i] === TAB || b[i] === CR)) i++;
    if (i >= b.length || b[i] === NEWLINE) {
      this.pos = i;
      return false;
    }
    for (let k = 0; k < 6; k++) {
      const start = i;
      while (i < b.length && b[i] !== COMMA && b[i] !== NEWLINE) i++;
      const last = k === 5;
      if ((b[i] === COMMA) === last) this.fail(`expected 6 fields (${CSV_HEADER})`);
      this.fields[k] = this.number(start, i);
      if (!last) i++;
    }
    this.pos = i;
    return true;
  }

  /** The decimal in bytes [start, end): digits, one dot, a leading minus, surrounding blanks; anything else goes through Number(). */
  private number(start: number, end: number): number {
    const b = this.bytes;
    let i = start;
    while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
    let j = end;
    while (j > i && (b[j - 1] === SPACE || b[j - 1] === TAB || b[j - 1] === CR)) j--;
    if (i === j) return Number.NaN;
    const negative = b[i] === MINUS;
    if (negative) i++;
    let m = 0;
    let significant = 0;
    let sawDigit = false;
    let fraction = -1;
    for (; i < j; i++) {
      const c = b[i]!;
      if (c >= ZERO && c <= NINE) {
        m = m * 10 + (c - ZERO);
        sawDigit = true;
        if (m !== 0) significant += 1;
        if (fraction >= 0) fraction += 1;
      } else if (c === DOT && fraction < 0) {
        fraction = 0;
      } else {
        return Number(this.text(start, end));
      }
    }
    if (!sawDigit || significant > MAX_DIGITS || fraction === 0 || fraction >= POW10.length) return Number(this.text(start, end));
    const x = fraction > 0 ? m / POW10[fraction]! : m;
    return negative ? -x : x;
  }

  /** The row's checks, in the order the errors are reported; returns the time in ms. */
  private checked(prev: number): number {
    const f = this.fields;
    const time = f[0]!;
    const open = f[1]!;
    const high = f[2]!;
    const low = f[3]!;
    const close = f[4]!;
    const volume = f[5]!;
    if (
      !(Number.isFinite(time) && Number.isFinite(open) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close) && Number.isFinite(volume))
    ) {
      this.fail('every field must be a finite number');
    }
    if (!Number.isInteger(time) || time < 0) this.fail('time must be whole unix seconds');
    if (time >= MILLISECONDS_FROM) {
      this.fail(`time ${time} looks like unix milliseconds (${new Date(time).toISOString()} if it were); the time column is unix seconds: divide it by 1000`);
    }
    if (!(open > 0 && high > 0 && low > 0 && close > 0) || volume < 0) this.fail('prices must be > 0 and volume >= 0');
    if (low > Math.min(open, close) || high < Math.max(open, close)) this.fail('need low <= open,close <= high');
    const ms = time * 1000;
    // Not `ms % stepMs`: a floating-point remainder cost ~6 % of the parse. Below 1e14 ms (checked above)
    // the quotient rounds to a whole number only when the division is exact: a remainder of 1 ms moves
    // it by 1/stepMs, far more than half its last place.
    if (!Number.isInteger(ms / this.stepMs)) this.fail(`time is not aligned to the file's ${this.stepMs / 60_000}-minute interval`);
    if (ms <= prev) this.fail('time must be strictly after the previous row');
    return ms;
  }

  private fail(problem: string): never {
    throw rowError(this.file, this.line, problem, this.text(this.lineStart, this.lineEnd(this.lineStart)).trim());
  }

  private lineEnd(from: number): number {
    const i = this.bytes.indexOf(NEWLINE, from);
    return i < 0 ? this.bytes.length : i;
  }

  private text(start: number, end: number): string {
    return UTF8.decode(this.bytes.subarray(start, end));
  }
}
