/** Config sections of the trading side: candles and scanning, fees and slippage, Kraken endpoints, order deadlines. */
import { z } from 'zod';
import { TimeframeSchema } from '../../contract/pair-schemas.ts';
import { endpoint, fraction } from './shared.ts';

export const MarketSchema = z.strictObject({
  timeframe: TimeframeSchema.default('5m').describe('Candle timeframe the scanner hands to the strategy (1m, 5m, 15m, 1h, 4h, 1d)'),
  scanIntervalSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(300)
    .describe('Seconds between scanner passes over the pairs (5..3600); a strategy still sees only closed candles'),
});

export const FeesSchema = z.strictObject({
  maker: fraction(0.01).default(0.0025).describe('Maker fee as a fraction of notional (0..0.01), used until the venue reports the account tier'),
  taker: fraction(0.01).default(0.004).describe('Taker fee as a fraction of notional (0..0.01), used until the venue reports the account tier'),
});

export const TradingSchema = z.strictObject({
  slippageFraction: fraction(0.05)
    .default(0.0005)
    .describe('Default slippage as a fraction of price (0..0.05) applied to simulated fills in backtest and paper'),
  fallbackFees: FeesSchema.prefault({}).describe('Fees assumed when the venue fee schedule is unknown'),
});

export const KrakenSchema = z.strictObject({
  restUrl: endpoint(['https', 'http'], 'https://api.kraken.com').describe('Kraken REST base URL; http://127.0.0.1:PORT for a `brain sim` started apart'),
  wsUrl: endpoint(['wss', 'ws'], 'wss://ws.kraken.com/v2').describe('Kraken WebSocket v2 public URL; ws://127.0.0.1:PORT/v2 for a local simulator'),
  wsAuthUrl: endpoint(['wss', 'ws'], 'wss://ws-auth.kraken.com/v2').describe(
    'Kraken WebSocket v2 private URL; ws://127.0.0.1:PORT/v2-auth for a local simulator',
  ),
});

/** How long an order's outcome may stay unheard before it is asked of Kraken by cl_ord_id (the position machine's deadlines). */
export const OrdersSchema = z.strictObject({
  ackTimeoutSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(600)
    .default(15)
    .describe(
      'Seconds an order may go without an answer from Kraken before its outcome counts as unknown and it is looked up by cl_ord_id, never resent (0.5..600)',
    ),
  settleTimeoutSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(3600)
    .default(30)
    .describe('Seconds an accepted order may wait for its fills on the executions feed before they are asked of Kraken (0.5..3600)'),
  requerySeconds: z.number().finite().min(0.1).max(600).default(5).describe('Seconds between two lookups of an order Kraken did not show (0.1..600)'),
  maxQueries: z.number().int().min(1).max(20).default(3).describe('Lookups that must all miss before an order is taken as never placed (1..20)'),
  restTimeoutSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(120)
    .default(10)
    .describe('Seconds a Kraken REST call may take; past it an order call counts as maybe placed and is looked up by cl_ord_id (0.5..120)'),
  krakenTier: z
    .enum(['starter', 'intermediate', 'pro'])
    .default('starter')
    .describe(
      "The Kraken account's verification tier (starter, intermediate, pro): the private REST call budget the client stays under while it sends and looks up orders",
    ),
  balanceRecheckSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(3600)
    .default(60)
    .describe('Seconds between attempts of a venue balance check that waits for orders in flight to settle (0.5..3600)'),
});
