import { describe, expect, it } from 'vitest';
import { demoLine, formatSummary } from '../../src/daemon/demo.ts';

const T = Date.UTC(2024, 8, 3, 5, 5);
const intent = {
  pair: 'ETH/USD' as const,
  candleTime: T,
  refPrice: 2548.16,
  strategyVersion: 'v',
  decision: { action: 'buy' as const, sizeFraction: 0.1, reason: 'EMA cross' },
};

describe('demo output', () => {
  it('prints one line for intents, rejections, fills, closed trades, breaker changes and days, nothing for the rest', () => {
    expect(demoLine({ type: 'intent.accepted', intent, positionId: 'P1', quantity: 0.39247312, at: T })).toBe(
      '2024-09-03 05:05  INTENT   ETH/USD   buy   qty 0.392473 ref 2548.16  EMA cross',
    );
    expect(demoLine({ type: 'intent.rejected', intent, reason: 'max_open_positions', at: T })).toContain('REJECT   ETH/USD   buy   max_open_positions');
    expect(demoLine({ type: 'position.closed', positionId: 'P1', pair: 'ETH/USD', pnl: -12.5, fees: 8, exitReason: 'signal', at: T })).toContain(
      'pnl -$12.50 (fees $8.00, signal)',
    );
    expect(demoLine({ type: 'breaker.tripped', reason: 'consecutive_losses', at: T, resumeAt: null, consecutiveLosses: 5 })).toContain(
      'halted: consecutive_losses until a manual resume',
    );
    expect(demoLine({ type: 'portfolio.daily', day: { day: Date.UTC(2024, 8, 3), openEquity: 10_000, closeEquity: 9_950 } })).toContain(
      'DAY      equity $10000.00 → $9950.00',
    );
    expect(demoLine({ type: 'supervisor.alert', message: 'x', at: T })).toBeNull();
  });

  it('the summary states trades, realised P&L apart from the marked equity and its return, fees, drawdown and signals', () => {
    const text = formatSummary({
      days: 19,
      steps: 5471,
      trades: 3,
      wins: 1,
      netPnl: -20,
      fees: 12,
      slippage: 1.5,
      startEquity: 10_000,
      endEquity: 9_980,
      maxDrawdown: 0.012,
      signalsActed: 6,
      signalsRejected: 2,
      seconds: 80,
    });
    expect(text).toContain('trades            3 (1 won)');
    expect(text).toContain('realised P&L      -$20.00 on closed trades, after entry and exit fees');
    expect(text).toContain('equity            $10000.00 → $9980.00 (-0.20 %, open positions marked at the last close)');
    expect(text).toContain('slippage cost     $1.50 (in the fill prices, as the backtest charges it)');
    expect(text).toContain('max drawdown      1.20 %');
    expect(text).toContain('signals           6 acted, 2 rejected');
  });
});
