/**
 * The private REST call counter (reference/kraken-api.md §7), mirrored locally so the client waits
 * instead of earning `EAPI:Rate limit exceeded` and its lockout. Time comes from the injected clock.
 */
import type { Clock } from '../clock/clock.ts';

export type AccountTier = 'starter' | 'intermediate' | 'pro';

export const TIER_LIMITS: Record<AccountTier, { max: number; decayPerSec: number }> = {
  starter: { max: 15, decayPerSec: 0.33 },
  intermediate: { max: 20, decayPerSec: 0.5 },
  pro: { max: 20, decayPerSec: 1 },
};

/** Ledger and trade history cost 2; order placement and cancel use the engine limiter (cost 0). */
export function callCost(method: string): number {
  if (method === 'Ledgers' || method === 'TradesHistory' || method === 'QueryLedgers') return 2;
  if (method === 'AddOrder' || method === 'CancelOrder' || method === 'AddOrderBatch') return 0;
  return 1;
}

export class RestRateCounter {
  private level = 0;
  private at: number;
  private readonly max: number;
  private readonly decayPerMs: number;

  /** `headroom` keeps us below the venue's max so a call from another process cannot tip it over. */
  constructor(
    private readonly clock: Clock,
    tier: AccountTier,
    headroom = 1,
  ) {
    const limits = TIER_LIMITS[tier];
    this.max = limits.max - headroom;
    this.decayPerMs = limits.decayPerSec / 1000;
    this.at = clock.now();
  }

  current(): number {
    const now = this.clock.now();
    this.level = Math.max(0, this.level - (now - this.at) * this.decayPerMs);
    this.at = now;
    return this.level;
  }

  /** Milliseconds to wait before a call of `cost` fits under the limit. */
  waitMs(cost: number): number {
    const over = this.current() + cost - this.max;
    return over <= 0 ? 0 : Math.ceil(over / this.decayPerMs);
  }

  /** Waits on the clock until `cost` fits, then books it. Call inside the per-key mutex. */
  async take(cost: number, signal?: AbortSignal): Promise<void> {
    for (let wait = this.waitMs(cost); wait > 0; wait = this.waitMs(cost)) {
      await sleep(this.clock, wait, signal);
    }
    this.level += cost;
  }

  /** The venue said we are over: assume a full counter so the next calls wait it out. */
  saturate(): void {
    this.current();
    this.level = this.max + 1;
  }
}

/** Resolves after `ms` on `clock`; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(id);
      reject(signal?.reason);
    };
    const id = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
