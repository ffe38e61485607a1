/**
 * The replay loop: merges every pair's trade stream and the clock's timers in time order, so a
 * dead-man switch at t fires before a trade at t+1 and matching sees trades exactly when they print.
 * Deterministic: the same seed, data and advance() calls give the same trades, fills and books.
 */
import type { PairMarket } from './market.ts';
import type { ReplayTrade } from './path.ts';
import type { SimClock } from './sim-clock.ts';
import { BrainError } from '../contract/errors.ts';

export type TradeListener = (market: PairMarket, trade: ReplayTrade) => void;

export class Replay {
  private readonly listeners: TradeListener[] = [];
  private running = false;

  constructor(
    private readonly clock: SimClock,
    private readonly markets: readonly PairMarket[],
  ) {}

  /** Listeners run in registration order (the engine first, then the feeds, so fills precede prints). */
  onTrade(listener: TradeListener): void {
    this.listeners.push(listener);
  }

  /** Moves replay time forward by `ms`, emitting every trade and firing every timer on the way. */
  advance(ms: number): void {
    if (this.running)
      throw new BrainError('KrakenSim.advance() called re-entrantly from a trade or timer callback; call it from outside', {
        domain: 'sim',
        code: 'reentrant_advance',
        retryable: false,
      });
    this.running = true;
    try {
      this.runUntil(this.clock.now() + Math.max(0, ms));
    } finally {
      this.running = false;
    }
  }

  /** True when every pair has replayed its last candle. */
  finished(): boolean {
    return this.markets.every((m) => m.nextTradeTime() === Infinity);
  }

  private runUntil(target: number): void {
    for (;;) {
      const timerAt = this.clock.nextTimerAt();
      let market: PairMarket | undefined;
      let tradeAt = Infinity;
      for (const m of this.markets) {
        const t = m.nextTradeTime();
        if (t < tradeAt) [tradeAt, market] = [t, m];
      }
      if (Math.min(timerAt, tradeAt) > target) break;
      // Timers win ties: a switch due at t acts before a trade printed at t.
      if (timerAt <= tradeAt) {
        this.clock.moveTo(timerAt);
        this.clock.fireDue();
        continue;
      }
      this.clock.moveTo(tradeAt);
      const trade = market!.step();
      for (const l of this.listeners) l(market!, trade);
    }
    this.clock.moveTo(target);
    this.clock.fireDue();
  }
}
