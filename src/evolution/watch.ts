/**
 * What the rollback watch has seen of the deployed version since its deploy, built from the events the
 * supervisor forwards: accepted intents (the reference price of each entry), fills, closed and abandoned
 * positions, scan failures, fill anomalies, and the equity after each candle step. Positions opened by
 * an earlier version are not the new version's doing and are left out (docs/evolution.md).
 */
import type { Fill } from '../contract/index.ts';
import type { Observations } from './triggers.ts';

export type WatchEvent =
  | { type: 'watch.reset'; versionId: string; at: number }
  | { type: 'intent.accepted'; intent: { strategyVersion: string; refPrice: number; decision: { action: string } }; positionId: string; at: number }
  | { type: 'order.filled'; fill: Fill }
  | { type: 'position.opened'; positionId: string; quantity: number; entryPrice: number; at: number }
  | { type: 'position.closed'; positionId: string; pnl: number; at: number }
  | { type: 'position.abandoned'; positionId: string; status: string; at: number }
  | { type: 'position.fillAnomaly'; positionId: string; at: number }
  | { type: 'scanner.failed'; candleTime: number }
  | { type: 'watch.equity'; equity: number; at: number };

export class WatchState {
  private versionId: string | null = null;
  private since = 0;
  private now = 0;
  private readonly entries = new Map<string, { refPrice: number; notional: number | null }>();
  private runtimeFailures: number[] = [];
  private orders = 0;
  private rejects = 0;
  private mismatches = 0;
  private fills: Array<{ slippage: number; feeRate: number }> = [];
  private returns: number[] = [];
  private equity: { peak: number; last: number; peakAt: number } | null = null;

  get watching(): string | null {
    return this.versionId;
  }

  take(e: WatchEvent): void {
    if (e.type === 'watch.reset') return this.reset(e.versionId, e.at);
    if (this.versionId === null) return;
    switch (e.type) {
      case 'intent.accepted':
        if (e.intent.strategyVersion === this.versionId && e.intent.decision.action === 'buy') {
          this.entries.set(e.positionId, { refPrice: e.intent.refPrice, notional: null });
          this.orders += 1;
        }
        return this.tick(e.at);
      case 'order.filled': {
        const pid = e.fill.clOrdId.slice(0, e.fill.clOrdId.lastIndexOf('-'));
        const entry = this.entries.get(pid);
        if (!entry || e.fill.side !== 'buy') return;
        this.fills.push({ slippage: (e.fill.price - entry.refPrice) / entry.refPrice, feeRate: e.fill.fee / (e.fill.price * e.fill.quantity) });
        return this.tick(e.fill.time);
      }
      case 'position.opened': {
        const entry = this.entries.get(e.positionId);
        if (entry) entry.notional = e.quantity * e.entryPrice;
        return this.tick(e.at);
      }
      case 'position.closed': {
        const entry = this.entries.get(e.positionId);
        if (entry?.notional) this.returns.push(e.pnl / entry.notional);
        return this.tick(e.at);
      }
      case 'position.abandoned':
        if (this.entries.has(e.positionId) && e.status === 'rejected') this.rejects += 1;
        return this.tick(e.at);
      case 'position.fillAnomaly':
        this.mismatches += 1;
        return this.tick(e.at);
      case 'scanner.failed':
        this.runtimeFailures.push(e.candleTime);
        return this.tick(e.candleTime);
      case 'watch.equity':
        this.tick(e.at);
        if (!this.equity || e.equity > this.equity.peak) this.equity = { peak: e.equity, last: e.equity, peakAt: e.at };
        else this.equity.last = e.equity;
    }
  }

  observations(): Observations {
    return {
      since: this.since,
      now: this.now,
      runtimeFailures: this.runtimeFailures,
      orders: this.orders,
      rejects: this.rejects,
      reconcileMismatches: this.mismatches,
      fills: this.fills,
      tradeReturns: this.returns,
      equity: this.equity,
    };
  }

  private tick(at: number): void {
    this.now = Math.max(this.now, at);
  }

  private reset(versionId: string, at: number): void {
    this.versionId = versionId;
    this.since = at;
    this.now = at;
    this.entries.clear();
    this.runtimeFailures = [];
    this.orders = 0;
    this.rejects = 0;
    this.mismatches = 0;
    this.fills = [];
    this.returns = [];
    this.equity = null;
  }
}
