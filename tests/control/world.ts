/**
 * A database with a little of everything the console reads: closed trades with their orders and fills,
 * ten UTC days, portfolio snapshots, signals, fees, two strategy versions, one night of the orchestrator
 * (its record, three answers, the observation, token use) whose candidate v002 is in the candidate
 * ledger and in a running paper test. Times end at NOW.
 */
import type { Db } from '../../src/db/index.ts';
import { createRepositories } from '../../src/db/index.ts';
import { orchestratorCyclesRepo } from '../../src/db/orchestrator-cycles.repo.ts';
import { versionsRepo, type VersionRecord } from '../../src/db/versions.repo.ts';

export const NOW = Date.UTC(2025, 0, 6, 12);
const DAY = 86_400_000;
const HOUR = 3_600_000;

export const V1 = 'sha256:1111111111111111';
export const V2 = 'sha256:2222222222222222';
export const CYCLE = 'night-2025-01-06';

function version(id: string, label: string, status: VersionRecord['status'], parentId: string | null, source: string): VersionRecord {
  return {
    id,
    kind: 'strategy',
    name: 'strategy',
    label,
    source,
    sourceSha256: id.slice(7).padEnd(64, '0'),
    bundle: source,
    bundleSha256: id.slice(7).padEnd(64, '1'),
    parentId,
    authorKind: label === 'v001' ? 'human' : 'model',
    authorModel: label === 'v001' ? null : 'claude-opus-5-5',
    promptSha256: null,
    createdAt: NOW - (label === 'v001' ? 20 : 1) * DAY,
    gateResults: {
      stages: [
        { gate: 'ast', ok: true },
        { gate: 'types', ok: true },
      ],
    },
    backtestId: null,
    status,
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
      id: t.id,
      pair: t.pair,
      status: 'closed',
      quantity: 0,
      entryPrice: 100,
      entryFees: 0.4,
      exitFees: 0.4,
      realizedPnl: t.pnl,
      stopLoss: 90,
      takeProfit: 120,
      strategyVersion: 'v001',
      openedAt: t.at - 5 * HOUR,
      closedAt: t.at,
      exitReason: t.exit,
    });
  }
  r.orders.insertIntent({
    clOrdId: 'p-a-1',
    pair: 'BTC/USD',
    side: 'buy',
    type: 'market',
    quantity: 0.5,
    limitPrice: null,
    positionId: 'p-a',
    reason: 'entry',
    createdAt: NOW - 3 * DAY - 5 * HOUR,
  });
  r.orders.updateStatus('p-a-1', { status: 'filled', filledQuantity: 0.5, updatedAt: NOW - 3 * DAY - 5 * HOUR, venueOrderId: 'V-1' });
  r.fills.insert({
    tradeId: 'T-1',
    clOrdId: 'p-a-1',
    pair: 'BTC/USD',
    side: 'buy',
    price: 100,
    quantity: 0.5,
    fee: 0.4,
    liquidity: 'taker',
    time: NOW - 3 * DAY - 5 * HOUR,
  });
  for (let d = 10; d >= 1; d--) {
    const day = NOW - (NOW % DAY) - d * DAY;
    r.snapshots.saveDaily({
      day,
      openEquity: 10_000 + (10 - d) * 5,
      closeEquity: 10_000 + (11 - d) * 5 - (d === 3 ? 30 : 0),
      peakEquity: 10_100,
      realizedPnl: 5,
      fees: 0.8,
      trades: d % 3,
      updatedAt: day + DAY,
    });
  }
  for (let h = 48; h >= 0; h--) {
    const equity = 10_000 + Math.sin(h / 5) * 40;
    r.snapshots.insertPortfolio({
      time: NOW - h * HOUR,
      cash: equity,
      equity,
      peakEquity: 10_050,
      drawdown: Math.max(0, (10_050 - equity) / 10_050),
      realizedPnl: 38.25,
      unrealizedPnl: 0,
      feesPaid: 2.4,
      openPositions: [],
    });
  }
  const intent = (pair: 'BTC/USD' | 'ETH/USD', action: 'buy' | 'close', at: number) => ({
    pair,
    candleTime: at,
    refPrice: 100,
    strategyVersion: 'v001',
    decision: { action, sizeFraction: action === 'buy' ? 0.1 : 0, reason: 'ema cross' },
  });
  r.signals.insertSignal({
    intent: intent('BTC/USD', 'buy', NOW - 2 * HOUR),
    outcome: 'acted',
    rejectReason: null,
    clOrdId: 'p-c-1',
    createdAt: NOW - 2 * HOUR,
  });
  r.signals.insertSignal({
    intent: intent('ETH/USD', 'buy', NOW - HOUR),
    outcome: 'rejected',
    rejectReason: 'max_open_positions',
    clOrdId: null,
    createdAt: NOW - HOUR,
  });
  r.fees.save({ pair: 'BTC/USD', rates: { maker: 0.0016, taker: 0.0026 }, source: 'venue', updatedAt: NOW - DAY });
  const versions = versionsRepo(db);
  versions.insert(version(V1, 'v001', 'deployed', null, 'export const fast = 9;\nexport const slow = 21;\n'));
  versions.insert(version(V2, 'v002', 'candidate', V1, 'export const fast = 8;\nexport const slow = 21;\n'));
  versions.setActive({ slot: 'strategy', versionId: V1, previousVersionId: null, switchedAt: NOW - 20 * DAY });
  // The night that proposed v002: its record, its three answers, its ledger row and its paper test.
  const cycles = orchestratorCyclesRepo(db);
  const night = NOW - 9 * HOUR;
  cycles.start({ id: CYCLE, trigger: 'slot', mode: 'model', startedAt: night, windowEndsAt: night + 3 * HOUR });
  const answer = (step: string, minutes: number, content: string, costUsd: number) =>
    cycles.storeAnswer({
      cycleId: CYCLE,
      step,
      attempt: 1,
      time: night + minutes * 60_000,
      model: step === 'generation' ? 'claude-opus-5-5' : 'claude-sonnet-5-5',
      content: JSON.stringify({ content: [{ type: 'text', text: content }] }),
      inputTokens: 12_000,
      outputTokens: 900,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd,
      stopReason: 'end_turn',
      promptSha256: 'p'.repeat(64),
    });
  answer('analysis', 1, opts.thoughtLength ? thoughtOf(opts.thoughtLength) : 'The market ranged; the fast EMA lags. Try 8.', 0.21);
  answer('generation', 3, '{"summary":"fast 9 → 8"}', 0.4);
  answer('review', 5, '{"verdict":"approve"}', 0.05);
  cycles.update(CYCLE, { decision: { decision: 'strategy_tweak', hypothesis: 'A faster EMA catches the turns of a ranging market' } });
  const row = r.ledger.insert({
    contentHash: 'abcdef0123456789'.padEnd(64, '0'),
    kind: 'strategy',
    name: 'strategy',
    versionId: V2,
    parentVersionId: V1,
    originKind: 'model',
    origin: { model: 'claude-opus-5-5', promptHash: 'p', cycleId: CYCLE },
    params: {},
    diffSummary: '+1 −1 lines',
    hypothesis: 'A faster EMA catches the turns of a ranging market',
    stage: 'paper',
    verdict: 'pending',
    failedGate: null,
    reason: null,
    duplicateOf: null,
    gates: [
      { gate: 'screenTrades', passed: true, value: 9, threshold: 3, detail: '14-day screen window' },
      { gate: 'oosEdge', passed: true, value: 0.0012, threshold: 0, detail: 'mean daily OOS return difference vs v001' },
      { gate: 'dsr', passed: true, value: 0.93, threshold: 0.9, detail: 'deflated over 4 trials in the ledger' },
    ],
    holdout: { days: 14, candidateReturn: 0.021, incumbentReturn: 0.012, difference: 0.009, trades: 12 },
    score: 0.0012,
    trial: { sharpe: 1.23, nObs: 540, skew: 0.1, kurtosis: 3.2 },
    cpuSeconds: 8.5,
    usd: 0.66,
    createdAt: night + 6 * 60_000,
  });
  cycles.update(CYCLE, { submission: { status: 'paperTest', contentHash: row.contentHash, versionId: V2, paperTestId: 'pt-1', ledgerId: row.id, attempt: 1 } });
  cycles.finish(CYCLE, 'submitted', `paper test pt-1 scheduled for ${V2} (ledger #${row.id})`, night + 7 * 60_000);
  r.paperTests.insert({
    id: 'pt-1',
    versionId: V2,
    baselineVersionId: V1,
    status: 'running',
    startedAt: NOW - DAY,
    deadline: NOW + 6 * DAY,
    endedAt: null,
    result: { ledgerId: row.id },
    reason: null,
    createdAt: NOW - DAY,
    updatedAt: NOW - DAY,
  });
  cycles.recordNight({ cycleId: CYCLE, time: night, content: 'Ranging market, few crossovers.', details: null });
  r.orchestrator.recordTokenUsage({
    time: night,
    cycleId: CYCLE,
    model: 'claude-sonnet-5-5',
    purpose: 'analyze',
    inputTokens: 12_000,
    outputTokens: 900,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.21,
  });
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
