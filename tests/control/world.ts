/**
 * A database with a little of everything the console reads: closed trades with their orders and fills,
 * ten UTC days, portfolio snapshots, signals, fees, two strategy versions, a ledger, a paper test and
 * one orchestrator cycle (log, thoughts, an observation, token use). Times end at NOW.
 */
import type { Db } from '../../src/db/index.ts';
import { createRepositories } from '../../src/db/index.ts';
import { versionsRepo, type VersionRecord } from '../../src/db/versions.repo.ts';

export const NOW = Date.UTC(2025, 0, 6, 12);
const DAY = 86_400_000;
const HOUR = 3_600_000;

export const V1 = 'sha256:1111111111111111';
export const V2 = 'sha256:2222222222222222';
export const CYCLE = 'night-2025-01-06';

function version(id: string, label: string, status: VersionRecord['status'], parentId: string | null, source: string): VersionRecord {
  return {
    id, kind: 'strategy', name: 'strategy', label, source, sourceSha256: id.slice(7).padEnd(64, '0'), bundle: source, bundleSha256: id.slice(7).padEnd(64, '1'),
    parentId, authorKind: label === 'v001' ? 'human' : 'model', authorModel: label === 'v001' ? null : 'claude-opus-5-5', promptSha256: null,
    createdAt: NOW - (label === 'v001' ? 20 : 1) * DAY, gateResults: { stages: [{ gate: 'ast', ok: true }, { gate: 'types', ok: true }] }, backtestId: null, status,
  };
}

export function seedWorld(db: Db, opts: { thoughtLength?: number } = {}): void {
  const r = createRepositories(db);
  const trades = [
    { id: 'p-a', pair: 'BTC/USD', pnl: 42.5, exit: 'take_profit', at: NOW - 3 * DAY },
    { id: 'p-b', pair: 'ETH/USD', pnl: -12.25, exit: 'stop_loss', at: NOW - 2 * DAY },
    { id: 'p-c', pair: 'BTC/USD', pnl: 8, exit: 'signal', at: NOW - 6 * HOUR },
  ] as const;
  for (const t of trades) {
    r.positions.save({
      id: t.id, pair: t.pair, status: 'closed', quantity: 0, entryPrice: 100, entryFees: 0.4, exitFees: 0.4, realizedPnl: t.pnl, stopLoss: 90,
      takeProfit: 120, strategyVersion: 'v001', openedAt: t.at - 5 * HOUR, closedAt: t.at, exitReason: t.exit,
    });
  }
  r.orders.insertIntent({ clOrdId: 'p-a-1', pair: 'BTC/USD', side: 'buy', type: 'market', quantity: 0.5, limitPrice: null, positionId: 'p-a', reason: 'entry', createdAt: NOW - 3 * DAY - 5 * HOUR });
  r.orders.updateStatus('p-a-1', { status: 'filled', filledQuantity: 0.5, updatedAt: NOW - 3 * DAY - 5 * HOUR, venueOrderId: 'V-1' });
  r.fills.insert({ tradeId: 'T-1', clOrdId: 'p-a-1', pair: 'BTC/USD', side: 'buy', price: 100, quantity: 0.5, fee: 0.4, liquidity: 'taker', time: NOW - 3 * DAY - 5 * HOUR });
  for (let d = 10; d >= 1; d--) {
    const day = NOW - (NOW % DAY) - d * DAY;
    r.snapshots.saveDaily({ day, openEquity: 10_000 + (10 - d) * 5, closeEquity: 10_000 + (11 - d) * 5 - (d === 3 ? 30 : 0), peakEquity: 10_100, realizedPnl: 5, fees: 0.8, trades: d % 3, updatedAt: day + DAY });
  }
  for (let h = 48; h >= 0; h--) {
    const equity = 10_000 + Math.sin(h / 5) * 40;
    r.snapshots.insertPortfolio({ time: NOW - h * HOUR, cash: equity, equity, peakEquity: 10_050, drawdown: Math.max(0, (10_050 - equity) / 10_050), realizedPnl: 38.25, unrealizedPnl: 0, feesPaid: 2.4, openPositions: [] });
  }
  const intent = (pair: 'BTC/USD' | 'ETH/USD', action: 'buy' | 'close', at: number) => ({ pair, candleTime: at, refPrice: 100, strategyVersion: 'v001', decision: { action, sizeFraction: action === 'buy' ? 0.1 : 0, reason: 'ema cross' } });
  r.signals.insertSignal({ intent: intent('BTC/USD', 'buy', NOW - 2 * HOUR), outcome: 'acted', rejectReason: null, clOrdId: 'p-c-1', createdAt: NOW - 2 * HOUR });
  r.signals.insertSignal({ intent: intent('ETH/USD', 'buy', NOW - HOUR), outcome: 'rejected', rejectReason: 'max_open_positions', clOrdId: null, createdAt: NOW - HOUR });
  r.fees.save({ pair: 'BTC/USD', rates: { maker: 0.0016, taker: 0.0026 }, source: 'venue', updatedAt: NOW - DAY });
  const versions = versionsRepo(db);
  versions.insert(version(V1, 'v001', 'deployed', null, 'export const fast = 9;\nexport const slow = 21;\n'));
  versions.insert(version(V2, 'v002', 'candidate', V1, 'export const fast = 8;\nexport const slow = 21;\n'));
  versions.setActive({ slot: 'strategy', versionId: V1, previousVersionId: null, switchedAt: NOW - 20 * DAY });
  r.backtests.recordExperiment({ versionId: V2, backtestId: null, createdAt: NOW - DAY, sharpe: 1.23, nObs: 540, skew: 0.1, kurtosis: 3.2, passed: true });
  r.paperTests.insert({ id: 'pt-1', versionId: V2, baselineVersionId: V1, status: 'running', startedAt: NOW - DAY, deadline: NOW + 6 * DAY, endedAt: null, result: null, reason: null, createdAt: NOW - DAY, updatedAt: NOW - DAY });
  r.orchestrator.log({ cycleId: CYCLE, time: NOW - 9 * HOUR, step: 'gathering', level: 'info', message: 'context gathered: 3 trades, 2 signals', details: null });
  r.orchestrator.log({ cycleId: CYCLE, time: NOW - 9 * HOUR + 60_000, step: 'analyzing', level: 'info', message: 'decision: STRATEGY_TWEAK', details: null });
  r.orchestrator.recordThought({ cycleId: CYCLE, time: NOW - 9 * HOUR, step: 'analyzing', content: opts.thoughtLength ? thoughtOf(opts.thoughtLength) : 'The market ranged; the fast EMA lags. Try 8.' });
  r.orchestrator.recordObservation({ cycleId: CYCLE, time: NOW - 9 * HOUR, topic: 'regime', content: 'Ranging market, few crossovers.', details: null });
  r.orchestrator.recordTokenUsage({ time: NOW - 9 * HOUR, cycleId: CYCLE, model: 'claude-sonnet-5-5', purpose: 'analyze', inputTokens: 12_000, outputTokens: 900, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.21 });
}

/** A long model response: numbered lines, so a chunk boundary is visible. */
export function thoughtOf(length: number): string {
  const lines: string[] = [];
  let total = 0;
  for (let i = 1; total < length; i++) {
    const line = `line ${String(i).padStart(4, '0')}: ${'reasoning about the regime and the fees '.repeat(2)}`;
    lines.push(line);
    total += line.length + 1;
  }
  return lines.join('\n').slice(0, length);
}
