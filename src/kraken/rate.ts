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

/**
 * Ledger and trade history cost 2; AddOrder and CancelOrder cost 0 because Kraken counts them on the
 * per-pair matching-engine limiter instead (§7: "except AddOrder, CancelOrder"). Every other private
 * call costs 1 — CancelAll, CancelAllOrdersAfter and AddOrderBatch included, since §7 excludes only those two.
 */
export function callCost(method: string): number {
  if (method === 'Ledgers' || method === 'TradesHistory' || method === 'QueryLedgers') return 2;
  if (method === 'AddOrder' || method === 'CancelOrder') return 0;
  return 1;
}

/** Where the counter outlives the process: the level it reached and when, in the counter's clock. */
export interface RateCounterStore {
  load(): { level: number; at: number } | null;
  save(level: number, at: number): void;
}

export class RestRateCounter {
  private level = 0;
  private at: number;
  private readonly max: number;
  private readonly decayPerMs: number;
  private store: RateCounterStore | null = null;
  private onSaveError: (err: unknown) => void = () => undefined;

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

  /**
   * Kraken's counter is per API key and does not restart with us (§7: it only decays, at the tier's
   * rate), so a counter that began at zero after every restart would let a crash loop spend a full
   * budget per boot and draw `EAPI:Rate limit exceeded` and its lockout. The level saved with its time
   * and decayed at the same rate is an upper bound of Kraken's (every call is booked before it is sent),
   * so it is where we start; from here on every booking is saved. Persisting beats assuming a full
   * counter at boot: that would delay every restart by a full budget's decay (42 s on starter) for
   * nothing when the previous run was idle. A time ahead of ours (the clock stepped back) counts as no
   * decay at all. A save that fails (disk full) never fails the call being booked: `onSaveError` hears
   * it, and the next restart starts from an older, lower level.
   */
  keepIn(store: RateCounterStore, onSaveError?: (err: unknown) => void): void {
    const saved = store.load();
    if (saved) {
      const now = this.clock.now();
      const decayed = saved.level - Math.max(0, now - saved.at) * this.decayPerMs;
      this.level = Math.max(this.current(), Math.min(decayed, this.max + 1));
    }
    this.store = store;
    if (onSaveError) this.onSaveError = onSaveError;
    this.save();
  }

  current(): number {
    const now = this.clock.now();
    this.level = Math.max(0, this.level - Math.max(0, now - this.at) * this.decayPerMs);
    this.at = now;
    return this.level;
  }

  /** Milliseconds to wait before a call of `cost` fits under the limit with `reserve` points left over. */
  waitMs(cost: number, reserve = 0): number {
    const over = this.current() + cost + reserve - this.max;
    return over <= 0 ? 0 : Math.ceil(over / this.decayPerMs);
  }

  /** Books a call that is about to be sent (after waitMs said it fits). */
  spend(cost: number): void {
    if (cost === 0) return;
    this.current();
    this.level += cost;
    this.save();
  }

  /** The venue said we are over: assume a full counter so the next calls wait it out. */
  saturate(): void {
    this.current();
    this.level = this.max + 1;
    this.save();
  }

  private save(): void {
    try {
      this.store?.save(this.level, this.at);
    } catch (err) {
      this.onSaveError(err);
    }
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
