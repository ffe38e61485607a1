/**
 * Token buckets on the injected clock: Telegram's pacing per chat (a short burst, then a steady rate)
 * and the per-user command limit use the same rule, so tests drive both by moving the clock.
 */
import type { Clock } from '../clock/clock.ts';

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity;
    this.at = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }

  /** Takes a token if one is there. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there (0: now). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}

/** One bucket per key (chat, user), made on first use. */
export class Buckets<K> {
  private readonly map = new Map<K, TokenBucket>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {}

  of(key: K): TokenBucket {
    let b = this.map.get(key);
    if (!b) this.map.set(key, (b = new TokenBucket(this.capacity, this.perSecond, this.clock)));
    return b;
  }
}
