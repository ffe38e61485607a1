/**
 * The host's position as a strategy's bars see it. The backtester fills an entry at the next bar's open,
 * so its position's entryTime IS a bar's open time and that bar is the first to see it. Live, the entry
 * fills a little after that bar opened (the decision waits for the previous bar's close, the order for
 * the venue): shown with the fill time, it stayed hidden from the very bar during which it opened (a bar
 * sees positions with entryTime ≤ its open time), so a strategy that exits on the next bar was told it
 * was flat, asked to buy again and was refused as "buy while long". Live shows it from the open of the
 * bar it opened in, as the backtest does (inv. 1: one behaviour in both).
 */
import type { Timeframe } from '../contract/index.ts';
import type { PositionView } from '../contract/strategy.ts';
import { bucketStart } from '../market/aggregate.ts';
import type { Holding } from '../trading/portfolio.ts';

export function positionViewOf(h: Holding | undefined, timeframe: Timeframe): PositionView | null {
  if (!h) return null;
  return { quantity: h.quantity, entryPrice: h.entryPrice, entryTime: bucketStart(h.openedAt, timeframe), stopLoss: h.stopLoss, takeProfit: h.takeProfit };
}
