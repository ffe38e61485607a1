/**
 * Seeded randomness. Every random draw in the simulator comes from a stream derived from
 * (seed, purpose, position) so replay is deterministic and random-access: the path of candle i does
 * not depend on whether candle i-1 was ever generated.
 */

/** mulberry32: tiny, fast, good enough for price paths and book shapes. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes integers into one 32-bit seed (murmur3-style finaliser per part). */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    let k = Math.floor(part) | 0;
    k = Math.imul(k ^ (k >>> 16), 0x85ebca6b);
    k = Math.imul(k ^ (k >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ k ^ (k >>> 16), 0x27d4eb2f) + 0x165667b1;
    // Large parts (ms timestamps) exceed 32 bits: fold the high half in too.
    h ^= Math.floor(part / 4294967296) | 0;
  }
  return h >>> 0;
}

/** Ids like Kraken's: "OQCLML-BW3P3-BUCMWZ" (orders, prefix O) or "TKH2SE-…" (trades, prefix T). */
export function krakenId(prefix: string, rng: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rng() * 32)]).join('');
  return `${prefix}${pick(5)}-${pick(5)}-${pick(6)}`;
}
