/**
 * Orders, fills, positions and the portfolio view as they cross boundaries (venue ↔ shell ↔ DB).
 * Quantities are base-asset units, prices and money USD, times epoch ms.
 */
import { z } from 'zod';
import { PairSchema } from './pair-schemas.ts';

const money = z.number().finite();
const positive = z.number().finite().positive();

export const SideSchema = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof SideSchema>;

export const OrderTypeSchema = z.enum(['market', 'limit', 'stop-loss', 'take-profit']);
export type OrderType = z.infer<typeof OrderTypeSchema>;

/**
 * Order lifecycle as the shell records it. `intent` is written BEFORE the order is sent
 * (DESIGN inv. 4); `unknown` means sent but outcome not heard — reconcile by clOrdId, never resend.
 */
export const ORDER_STATUSES = ['intent', 'sent', 'open', 'partial', 'filled', 'canceled', 'expired', 'rejected', 'unknown'] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const OrderSchema = z.strictObject({
  clOrdId: z.string().min(1).max(36),
  venueOrderId: z.string().nullable(),
  pair: PairSchema,
  side: SideSchema,
  type: OrderTypeSchema,
  quantity: positive,
  limitPrice: positive.nullable(),
  status: OrderStatusSchema,
  filledQuantity: z.number().finite().nonnegative(),
  positionId: z.string().nullable(),
  reason: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Order = z.infer<typeof OrderSchema>;

export const LiquiditySchema = z.enum(['maker', 'taker']);
export type Liquidity = z.infer<typeof LiquiditySchema>;

export const FillSchema = z.strictObject({
  /**
   * The fill's identity, unique across pairs: `<pair>:<venue trade number>` (src/trading/fill-id.ts; Kraken
   * numbers trades per pair). Paper and backtest fills name their own number the same way.
   */
  tradeId: z.string().min(1),
  clOrdId: z.string().min(1),
  pair: PairSchema,
  side: SideSchema,
  price: positive,
  quantity: positive,
  /** Fee in USD, always >= 0. */
  fee: z.number().finite().nonnegative(),
  liquidity: LiquiditySchema,
  time: z.number().int(),
  /**
   * USD lost to slippage and tick rounding against the reference price, ≥ 0: set by the fill model
   * (backtest, paper), so the ledger's slippage figure is the one the fill was charged. Absent where
   * no reference is known (live venue fills).
   */
  slippageCost: z.number().finite().nonnegative().optional(),
});
export type Fill = z.infer<typeof FillSchema>;

export const PositionStatusSchema = z.enum(['pendingEntry', 'open', 'pendingExit', 'closed']);
export type PositionStatus = z.infer<typeof PositionStatusSchema>;

export const ExitReasonSchema = z.enum(['signal', 'stop_loss', 'take_profit', 'emergency', 'manual', 'end_of_data', 'rollback']);
export type ExitReason = z.infer<typeof ExitReasonSchema>;

export const PositionSchema = z.strictObject({
  id: z.string().min(1),
  pair: PairSchema,
  status: PositionStatusSchema,
  /** Base quantity currently held. */
  quantity: z.number().finite().nonnegative(),
  /** Volume-weighted average entry price. */
  entryPrice: z.number().finite().nonnegative(),
  /** Entry fees paid so far (USD). */
  entryFees: z.number().finite().nonnegative(),
  /** Exit fees paid so far (USD). */
  exitFees: z.number().finite().nonnegative(),
  /** Realised P&L so far, net of all fees attributed to the sold part (USD). */
  realizedPnl: money,
  stopLoss: positive.nullable(),
  takeProfit: positive.nullable(),
  strategyVersion: z.string(),
  openedAt: z.number().int(),
  closedAt: z.number().int().nullable(),
  exitReason: ExitReasonSchema.nullable(),
});
export type Position = z.infer<typeof PositionSchema>;

export const PortfolioViewSchema = z.strictObject({
  time: z.number().int(),
  cash: money,
  /** Cash plus positions marked at the last price. */
  equity: money,
  peakEquity: money,
  /** (peak - equity) / peak, as a fraction. */
  drawdown: z.number().finite().min(0).max(1),
  realizedPnl: money,
  unrealizedPnl: money,
  feesPaid: z.number().finite().nonnegative(),
  openPositions: z.array(PositionSchema),
});
export type PortfolioView = z.infer<typeof PortfolioViewSchema>;
