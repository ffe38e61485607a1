/**
 * What crosses the wire between the evolver and remote workers, encoded so a remote result is the
 * in-process one bit for bit: JSON that keeps NaN and ±Infinity (plain JSON turns them into null, and
 * a NaN edge sorts differently from a null one), and candles as raw float64 columns behind a small
 * JSON header, hashed as they are stored.
 */
import type { MarketData } from '../backtest/engine.ts';
import type { CandleColumns, Pair } from '../contract/index.ts';
import { BrainError } from '../contract/errors.ts';

const NON_FINITE = '$nonFinite';

/** JSON.stringify that keeps NaN, Infinity and -Infinity. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [NON_FINITE]: String(v) } : v));
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const keys = Object.keys(v);
    return keys.length === 1 && keys[0] === NON_FINITE ? Number((v as Record<string, string>)[NON_FINITE]) : v;
  }) as T;
}

const MARKET_FORMAT = 'brain-market-1';
const COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** [u32 header length][JSON header][pad to 8][time, then per pair open, high, low, close, volume], little-endian float64. */
export function encodeMarketData(data: MarketData): Buffer {
  const n = data.time.length;
  const header = Buffer.from(JSON.stringify({ format: MARKET_FORMAT, pairs: data.pairs, steps: n }));
  const offset = Math.ceil((4 + header.length) / 8) * 8;
  const out = Buffer.alloc(offset + n * 8 * (1 + data.pairs.length * COLUMNS.length));
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  const values = new Float64Array(out.buffer, out.byteOffset + offset, n * (1 + data.pairs.length * COLUMNS.length));
  values.set(data.time, 0);
  data.columns.forEach((c, p) => COLUMNS.forEach((k, j) => values.set(c[k], n * (1 + p * COLUMNS.length + j))));
  return out;
}

export function decodeMarketData(bytes: Uint8Array, where: string): MarketData {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + length).toString('utf8')) as { format?: string; pairs: Pair[]; steps: number };
  if (header.format !== MARKET_FORMAT)
    throw new BrainError(`${where} is not candle data in ${MARKET_FORMAT} (format ${String(header.format)})`, {
      domain: 'evolution',
      code: 'format_mismatch',
      retryable: false,
    });
  const offset = Math.ceil((4 + length) / 8) * 8;
  const n = header.steps;
  const size = n * (1 + header.pairs.length * COLUMNS.length);
  if (buf.length !== offset + size * 8)
    throw new BrainError(`${where} holds ${buf.length} bytes, expected ${offset + size * 8} for ${header.pairs.length} pairs × ${n} steps`, {
      domain: 'evolution',
      code: 'format_mismatch',
      retryable: false,
    });
  // A copy: the columns must be 8-byte aligned whatever buffer the bytes arrived in.
  const values = new Float64Array(size);
  values.set(new Float64Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + size * 8)));
  const time = values.subarray(0, n);
  const column = (p: number, j: number) => values.subarray(n * (1 + p * COLUMNS.length + j), n * (2 + p * COLUMNS.length + j));
  const columns: CandleColumns[] = header.pairs.map((_, p) => ({
    time,
    open: column(p, 0),
    high: column(p, 1),
    low: column(p, 2),
    close: column(p, 3),
    volume: column(p, 4),
  }));
  return { pairs: header.pairs, time, columns };
}
