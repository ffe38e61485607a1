/** Contract objects for repository round trips. */
import type { Candle, Fill, Intent, Position } from '../../src/contract/index.ts';
import type { NewLedgerRow, OrderIntent } from '../../src/db/index.ts';

export const T0 = Date.UTC(2025, 0, 6);

export function orderIntent(over: Partial<OrderIntent> = {}): OrderIntent {
  return {
    clOrdId: 'c-0001',
    pair: 'BTC/USD',
    side: 'buy',
    type: 'limit',
    quantity: 0.0125,
    limitPrice: 94_250.5,
    positionId: 'p-1',
    reason: 'entry',
    createdAt: T0,
    ...over,
  };
}

export function fill(over: Partial<Fill> = {}): Fill {
  return {
    tradeId: 'T-1',
    clOrdId: 'c-0001',
    pair: 'BTC/USD',
    side: 'buy',
    price: 94_250.5,
    quantity: 0.005,
    fee: 1.18,
    liquidity: 'maker',
    time: T0 + 1_000,
    ...over,
  };
}

export function position(over: Partial<Position> = {}): Position {
  return {
    id: 'p-1',
    pair: 'BTC/USD',
    status: 'open',
    quantity: 0.0125,
    entryPrice: 94_250.5,
    entryFees: 2.95,
    exitFees: 0,
    realizedPnl: 0,
    stopLoss: 90_000,
    takeProfit: 100_000,
    strategyVersion: 'sha256:abc',
    openedAt: T0,
    closedAt: null,
    exitReason: null,
    ...over,
  };
}

export function intent(over: Partial<Intent['decision']> = {}): Intent {
  return {
    pair: 'ETH/USD',
    candleTime: T0,
    refPrice: 3_300.25,
    strategyVersion: 'sha256:abc',
    decision: { action: 'buy', sizeFraction: 0.1, reason: 'breakout', ...over },
  };
}

/** `n` valid 5m candles from T0 with a deterministic walk. */
export function candles(n: number, start = T0): Candle[] {
  const out: Candle[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = open * (1 + Math.sin(i) * 0.001);
    out.push({
      time: start + i * 300_000,
      open,
      high: Math.max(open, price) * 1.001,
      low: Math.min(open, price) * 0.999,
      close: price,
      volume: 10 + (i % 7),
    });
  }
  return out;
}

/** A candidate ledger row from the offline evolver, pending at submission; `over` sets what a test is about. */
export function ledgerRow(contentHash: string, over: Partial<NewLedgerRow> = {}): NewLedgerRow {
  return {
    contentHash,
    kind: 'strategy',
    name: 'strategy',
    versionId: null,
    parentVersionId: null,
    originKind: 'offline',
    origin: { seed: 1 },
    params: {},
    diffSummary: '',
    hypothesis: '',
    stage: 'submitted',
    verdict: 'pending',
    failedGate: null,
    reason: null,
    duplicateOf: null,
    gates: [],
    holdout: null,
    score: null,
    trial: null,
    cpuSeconds: 0,
    usd: 0,
    createdAt: 1,
    ...over,
  };
}
