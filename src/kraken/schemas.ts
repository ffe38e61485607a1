/**
 * zod schemas for the REST results we read (reference/kraken-api.md §4, §6). Objects are non-strict:
 * unknown fields are dropped; a missing field fails with the endpoint and the field's path. Pages of
 * records (orders, trades, per-pair fees) skip a record in an odd shape instead of failing the page:
 * the skipped records are reported to whoever parses through parseSkippingOddRecords (KrakenRest
 * logs them).
 */
import { z } from 'zod';

export interface SkippedRecord {
  /** The record's key in the page (order txid, trade id, pair key). */
  readonly id: string;
  /** The first problem, with its path inside the record. */
  readonly problem: string;
}

// Where lenient records report what they skip. Parsing is synchronous, so the one sink set by
// parseSkippingOddRecords for the length of a parse cannot mix two parses.
let skippedSink: SkippedRecord[] | null = null;

/** Parses `input` and returns, with the result, the records that lenient pages skipped. */
export function parseSkippingOddRecords<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { parsed: z.ZodSafeParseResult<z.output<S>>; skipped: SkippedRecord[] } {
  const outer = skippedSink;
  const skipped: SkippedRecord[] = [];
  skippedSink = skipped;
  try {
    return { parsed: schema.safeParse(input), skipped };
  } finally {
    skippedSink = outer;
  }
}

/** A record keyed by id whose odd entries are skipped and reported, never failing the whole record. */
function lenientRecord<T extends z.ZodType>(item: T) {
  return z.record(z.string(), z.unknown()).transform((raw) => {
    const out: Record<string, z.output<T>> = {};
    for (const [id, value] of Object.entries(raw)) {
      const r = item.safeParse(value);
      if (r.success) {
        out[id] = r.data;
        continue;
      }
      const issue = r.error.issues[0];
      skippedSink?.push({ id, problem: `${[id, ...(issue?.path ?? [])].join('.')}: ${issue?.message ?? 'invalid'}` });
    }
    return out;
  });
}

/** `null` (Kraken's "nothing here") read as an empty record. */
function recordOrNull<T extends z.ZodType>(item: T) {
  return lenientRecord(item)
    .nullish()
    .transform((r) => r ?? {});
}

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');
const feeTable = z.array(z.tuple([z.number(), z.number()]));

export const AssetPairSchema = z.object({
  altname: z.string(),
  wsname: z.string(),
  base: z.string(),
  quote: z.string(),
  pair_decimals: z.number().int(),
  lot_decimals: z.number().int(),
  cost_decimals: z.number().int().optional(),
  ordermin: decimalString,
  costmin: decimalString.optional(),
  tick_size: decimalString.optional(),
  fees: feeTable.optional().default([]),
  fees_maker: feeTable.optional().default([]),
  status: z.string().optional(),
});
export type AssetPair = z.infer<typeof AssetPairSchema>;
export const AssetPairsSchema = z.record(z.string(), AssetPairSchema);

const feeInfo = z.object({ fee: decimalString });
/** `fees: null` comes back when no pair is named, or for an account without a fee schedule yet. */
export const TradeVolumeSchema = z.object({
  currency: z.string().optional(),
  volume: decimalString.optional(),
  fees: recordOrNull(feeInfo),
  fees_maker: recordOrNull(feeInfo),
});
export type TradeVolume = z.infer<typeof TradeVolumeSchema>;

export const TimeSchema = z.object({ unixtime: z.number() });
export const SystemStatusSchema = z.object({ status: z.enum(['online', 'maintenance', 'cancel_only', 'post_only']) });

export const TickerEntrySchema = z.object({
  a: z.tuple([decimalString]).rest(z.string()),
  b: z.tuple([decimalString]).rest(z.string()),
  c: z.tuple([decimalString]).rest(z.string()),
});
export const TickerSchema = z.record(z.string(), TickerEntrySchema);

export const OhlcRowSchema = z.tuple([z.number(), decimalString, decimalString, decimalString, decimalString, decimalString, decimalString, z.number()]);
/** `last` plus one pair key whose name varies (key, altname, or even the v2 symbol). */
export const OhlcResultSchema = z.object({ last: z.number() }).catchall(z.unknown());

export const BalanceSchema = z.record(z.string(), decimalString);
export const BalanceExSchema = z.record(
  z.string(),
  z.object({ balance: decimalString, hold_trade: decimalString.optional(), credit: decimalString.optional(), credit_used: decimalString.optional() }),
);

export const ORDER_STATES = ['pending', 'open', 'closed', 'canceled', 'expired'] as const;
/**
 * Kraken leaves the description empty on some closed orders (`descr: {}` or every field ""):
 * pair is then "" and type null; the order's amounts and status still count.
 */
const OrderDescrSchema = z
  .object({
    pair: z.string().optional(),
    type: z.enum(['buy', 'sell']).or(z.literal('')).optional(),
    ordertype: z.string().optional(),
    price: z.string().optional(),
  })
  .nullish()
  .transform((d) => ({ pair: d?.pair ?? '', type: d?.type || null, ordertype: d?.ordertype ?? '', price: d?.price ?? '' }));
export const OrderInfoSchema = z.object({
  status: z.enum(ORDER_STATES),
  cl_ord_id: z.string().nullish(),
  userref: z.number().nullish(),
  opentm: z.number(),
  closetm: z.number().optional(),
  descr: OrderDescrSchema,
  vol: decimalString,
  vol_exec: decimalString,
  cost: decimalString,
  fee: decimalString,
  price: decimalString,
  reason: z.string().nullish(),
  /** Trade txids of the order's fills (only when asked with `trades=true`). */
  trades: z.array(z.string()).optional(),
});
export type OrderInfo = z.infer<typeof OrderInfoSchema>;
export const OpenOrdersSchema = z.object({ open: recordOrNull(OrderInfoSchema) });
export const ClosedOrdersSchema = z.object({ closed: recordOrNull(OrderInfoSchema), count: z.number().optional() });
export const QueryOrdersSchema = lenientRecord(OrderInfoSchema);

/** One fill as TradesHistory / QueryTrades report it (§6), keyed by its trade txid. */
export const TradeInfoSchema = z.object({
  ordertxid: z.string(),
  pair: z.string(),
  time: z.number(),
  type: z.enum(['buy', 'sell']),
  price: decimalString,
  vol: decimalString,
  fee: decimalString,
  trade_id: z.union([z.number(), z.string()]),
  maker: z.boolean().optional(),
});
export type TradeInfo = z.infer<typeof TradeInfoSchema>;
/** 50 trades a page, newest first; `count` (all matching trades) is not always sent. */
export const TradesHistorySchema = z.object({ trades: recordOrNull(TradeInfoSchema), count: z.number().optional() });
export const QueryTradesSchema = lenientRecord(TradeInfoSchema);

export const AddOrderSchema = z.object({
  descr: z.object({ order: z.string() }).optional(),
  txid: z.array(z.string()).optional(),
});
export const CancelSchema = z.object({ count: z.number(), pending: z.boolean().optional() });
export const CancelAfterSchema = z.object({ currentTime: z.string(), triggerTime: z.string() });
export const WsTokenSchema = z.object({ token: z.string().min(1), expires: z.number() });
