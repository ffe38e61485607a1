/**
 * zod schemas for the REST results we read (reference/kraken-api.md §4, §6). Objects are non-strict:
 * unknown fields are dropped; a missing field fails with the endpoint and the field's path.
 */
import { z } from 'zod';

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
export const TradeVolumeSchema = z.object({
  currency: z.string().optional(),
  volume: decimalString.optional(),
  fees: z.record(z.string(), feeInfo).optional().default({}),
  fees_maker: z.record(z.string(), feeInfo).optional().default({}),
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
export const OrderInfoSchema = z.object({
  status: z.enum(ORDER_STATES),
  cl_ord_id: z.string().nullish(),
  userref: z.number().nullish(),
  opentm: z.number(),
  closetm: z.number().optional(),
  descr: z.object({ pair: z.string(), type: z.enum(['buy', 'sell']), ordertype: z.string(), price: z.string() }),
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
export const OpenOrdersSchema = z.object({ open: z.record(z.string(), OrderInfoSchema) });
export const ClosedOrdersSchema = z.object({ closed: z.record(z.string(), OrderInfoSchema), count: z.number().optional() });
export const QueryOrdersSchema = z.record(z.string(), OrderInfoSchema);

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
export const TradesHistorySchema = z.object({ trades: z.record(z.string(), TradeInfoSchema), count: z.number() });
export const QueryTradesSchema = z.record(z.string(), TradeInfoSchema);

export const AddOrderSchema = z.object({
  descr: z.object({ order: z.string() }).optional(),
  txid: z.array(z.string()).optional(),
});
export const CancelSchema = z.object({ count: z.number(), pending: z.boolean().optional() });
export const CancelAfterSchema = z.object({ currentTime: z.string(), triggerTime: z.string() });
export const WsTokenSchema = z.object({ token: z.string().min(1), expires: z.number() });
