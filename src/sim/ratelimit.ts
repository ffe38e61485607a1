/**
 * Kraken's counters (§7), decaying on the simulated clock: the REST call counter per API key
 * (+1 per private call, +2 for ledger/trade history, AddOrder/CancelOrder excluded) and the
 * matching-engine counter per account and pair (+1 per add, a cancel costs more the younger the order).
 */
import type { Tier } from './accounts.ts';

const REST_LIMITS: Record<Tier, { max: number; decayPerSec: number }> = {
  starter: { max: 15, decayPerSec: 0.33 },
  intermediate: { max: 20, decayPerSec: 0.5 },
  pro: { max: 20, decayPerSec: 1 },
};

const ENGINE_LIMITS: Record<Tier, { max: number; decayPerSec: number; maxOpenPerPair: number }> = {
  starter: { max: 60, decayPerSec: 1, maxOpenPerPair: 60 },
  intermediate: { max: 125, decayPerSec: 2.34, maxOpenPerPair: 80 },
  pro: { max: 180, decayPerSec: 3.75, maxOpenPerPair: 225 },
};

export function restCost(method: string): number {
  if (method === 'AddOrder' || method === 'CancelOrder') return 0;
  return method === 'TradesHistory' || method === 'Ledgers' ? 2 : 1;
}

/** A decaying counter: value falls by `decayPerSec` of elapsed (simulated) time, never below 0. */
class DecayingCounter {
  private value = 0;
  private at = 0;

  constructor(private readonly decayPerSec: number) {}

  current(now: number): number {
    this.value = Math.max(0, this.value - ((now - this.at) / 1000) * this.decayPerSec);
    this.at = now;
    return this.value;
  }

  add(amount: number, now: number): number {
    this.value = this.current(now) + amount;
    return this.value;
  }
}

export class RateLimits {
  private readonly rest = new Map<string, DecayingCounter>();
  private readonly engine = new Map<string, DecayingCounter>();

  constructor(private readonly enabled: boolean) {}

  /** Charges a private REST call; false when it would exceed the tier's maximum (call refused). */
  chargeRest(key: string, tier: Tier, method: string, now: number): boolean {
    const cost = restCost(method);
    if (!this.enabled || cost === 0) return true;
    const limit = REST_LIMITS[tier];
    let counter = this.rest.get(key);
    if (!counter) this.rest.set(key, (counter = new DecayingCounter(limit.decayPerSec)));
    if (counter.current(now) + cost > limit.max) return false;
    counter.add(cost, now);
    return true;
  }

  /** Charges the engine counter for an add (ageMs undefined) or a cancel of an order `ageMs` old. */
  chargeEngine(key: string, tier: Tier, pairKey: string, now: number, ageMs?: number): boolean {
    if (!this.enabled) return true;
    const cost = ageMs === undefined ? 1 : cancelPenalty(ageMs);
    const limit = ENGINE_LIMITS[tier];
    const id = `${key}\u0000${pairKey}`;
    let counter = this.engine.get(id);
    if (!counter) this.engine.set(id, (counter = new DecayingCounter(limit.decayPerSec)));
    if (counter.current(now) + cost > limit.max) return false;
    counter.add(cost, now);
    return true;
  }

  maxOpenPerPair(tier: Tier): number {
    return ENGINE_LIMITS[tier].maxOpenPerPair;
  }

  maxEngineCount(tier: Tier): number {
    return ENGINE_LIMITS[tier].max;
  }
}

function cancelPenalty(ageMs: number): number {
  const s = ageMs / 1000;
  if (s < 5) return 8;
  if (s < 10) return 6;
  if (s < 15) return 5;
  if (s < 45) return 4;
  if (s < 90) return 2;
  if (s < 300) return 1;
  return 0;
}
