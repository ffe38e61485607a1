/**
 * The daemon end to end, offline: booted against the Kraken simulator, trading v001 in paper mode through
 * more than two weeks of the bundled real 5m candles, then audited from the database alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/db/index.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { createLogger } from '../../src/log/index.ts';
import { applyFill, createLedger, type Ledger } from '../../src/trading/portfolio.ts';
import { truthReport } from '../../src/truth.ts';
import type { PaperVenue } from '../../src/venues/paper.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALL: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
const DAY = 86_400_000;

let replay: Replay;
let repos: Repositories;
let ledger: Ledger;
let steps = 0;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-daemon-paper-'));
  replay = await startReplay({
    workDir,
    repoRoot: REPO_ROOT,
    log: createLogger({ level: 'silent' }),
    pairs: ['BTC/USD', 'ETH/USD', 'SOL/USD'],
    days: 15,
    // Auto resume keeps the breaker from ending the trading after the first losing streak.
    settings: { risk: { resume: 'auto', autoResumeAfterMinutes: 360 } },
  });
  steps = await replay.run();
  ledger = replay.daemon.actor.getSnapshot().context.ledger;
  repos = replay.daemon.runtime.repos!;
}, 240_000);

afterAll(async () => {
  await replay?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the daemon in paper mode against the simulator (v001, 15 days of real 5m candles)', () => {
  it('replays more than two weeks and trades', () => {
    expect(replay.to - replay.from).toBeGreaterThanOrEqual(14 * DAY);
    expect(steps).toBeGreaterThanOrEqual(14 * 288);
    expect(repos.positions.closedInRange(...ALL).length).toBeGreaterThan(5);
  });

  it('inv. 4: every fill belongs to an order whose intent row was written before it, and every acted entry names its order', () => {
    const fills = repos.fills.inRange(...ALL);
    expect(fills.length).toBeGreaterThan(10);
    for (const f of fills) {
      const order = repos.orders.byClOrdId(f.clOrdId);
      expect(order, `order row of fill ${f.tradeId}`).toBeDefined();
      expect(order!.createdAt).toBeLessThanOrEqual(f.time);
    }
    for (const s of repos.signals.signalsInRange(...ALL, { outcome: 'acted' })) {
      if (s.intent.decision.action === 'buy') expect(repos.orders.byClOrdId(s.clOrdId!), `order of signal ${s.id}`).toBeDefined();
    }
  });

  it('no duplicate order: one entry per position, and orders never outnumber the positions they belong to twice over', () => {
    const orders = repos.orders.byStatus('intent', 'sent', 'open', 'partial', 'filled', 'canceled', 'expired', 'rejected', 'unknown');
    const byPosition = new Map<string, number>();
    for (const o of orders) if (o.side === 'buy') byPosition.set(o.positionId!, (byPosition.get(o.positionId!) ?? 0) + 1);
    expect([...byPosition.values()].every((n) => n === 1)).toBe(true);
  });

  it('inv. 1: P&L recomputed from the fills table equals the portfolio, the positions table and the paper account', () => {
    const fromFills = createLedger(replay.config.paper.startingBalanceUsd);
    for (const f of repos.fills.inRange(...ALL)) applyFill(fromFills, f);
    expect(fromFills.realizedPnl).toBeCloseTo(ledger.realizedPnl, 6);
    expect(fromFills.cash).toBeCloseTo(ledger.cash, 6);
    expect(fromFills.feesPaid).toBeCloseTo(ledger.feesPaid, 6);
    const closed = repos.positions.closedInRange(...ALL).filter((p) => p.exitReason !== null);
    const openRealized = repos.positions.open().reduce((s, p) => s + p.realizedPnl, 0);
    expect(closed.reduce((s, p) => s + p.realizedPnl, 0) + openRealized).toBeCloseTo(ledger.realizedPnl, 6);
    expect((replay.daemon.venue as PaperVenue).balances().cash).toBeCloseTo(ledger.cash, 6);
  });

  it('the paper ledger records the slippage its fill prices include, and the fills table keeps it for a rebuild', () => {
    const fills = repos.fills.inRange(...ALL);
    const notional = fills.reduce((s, f) => s + f.price * f.quantity, 0);
    const charged = fills.reduce((s, f) => s + (f.slippageCost ?? 0), 0);
    expect(fills.every((f) => f.slippageCost !== undefined && f.slippageCost > 0)).toBe(true);
    // The model's rate (trading.slippageFraction), give or take the tick rounding the cost also counts.
    expect(charged / notional).toBeGreaterThan(replay.config.trading.slippageFraction * 0.9);
    expect(charged / notional).toBeLessThan(replay.config.trading.slippageFraction * 1.5);
    expect(ledger.slippagePaid).toBeCloseTo(charged, 6);
    const fromFills = createLedger(replay.config.paper.startingBalanceUsd);
    for (const f of fills) applyFill(fromFills, f);
    expect(fromFills.slippagePaid).toBeCloseTo(ledger.slippagePaid, 6);
  });

  it('the truth benchmarks match hand queries over the same rows', () => {
    const now = replay.sim.clock.now();
    const t = truthReport(repos.db, now);
    const closed = repos.positions.closedInRange(...ALL).filter((p) => p.exitReason !== null);
    const wins = closed.filter((p) => p.realizedPnl > 0).length;
    const fills = repos.fills.inRange(...ALL);
    const portfolio = repos.snapshots.portfolioInRange(...ALL);
    let run = 0;
    let longest = 0;
    for (const p of [...closed].sort((a, b) => a.closedAt! - b.closedAt!)) {
      run = p.realizedPnl > 0 ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    expect(t['trades_closed']).toBe(closed.length);
    expect(t['trades_open']).toBe(repos.positions.open().length);
    expect(t['wins']).toBe(wins);
    expect(t['losses']).toBe(closed.length - wins);
    expect(t['win_rate'] as number).toBeCloseTo(wins / closed.length, 9);
    expect(t['realized_pnl'] as number).toBeCloseTo(
      closed.reduce((s, p) => s + p.realizedPnl, 0),
      6,
    );
    expect(t['fees_paid'] as number).toBeCloseTo(
      fills.reduce((s, f) => s + f.fee, 0),
      6,
    );
    expect(t['expectancy'] as number).toBeCloseTo(closed.reduce((s, p) => s + p.realizedPnl, 0) / closed.length, 6);
    expect(t['max_consecutive_losses']).toBe(longest);
    expect(t['current_consecutive_losses']).toBe(run);
    expect(t['max_drawdown'] as number).toBeCloseTo(Math.max(...portfolio.map((p) => p.drawdown)), 9);
    expect(t['signals_acted']).toBe(repos.signals.signalsInRange(...ALL, { outcome: 'acted' }).length);
    expect(t['signals_rejected']).toBe(repos.signals.signalsInRange(...ALL, { outcome: 'rejected' }).length);
    const scans24h = replay.config.pairs.reduce(
      (s, pair) => s + repos.signals.scansInRange(pair, ...ALL).filter((x) => x.createdAt > now - DAY && x.createdAt <= now).length,
      0,
    );
    expect(t['scans_last_24h']).toBe(scans24h);
    expect(String(t['active_strategy_version'])).toMatch(/^v001 \(sha256:/);
  });
});
