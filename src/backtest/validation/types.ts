/** Shared by the validation gates: they take a decider FACTORY so in-process deciders and the sandbox both fit. */
import type { Params } from '../../contract/index.ts';
import type { DecideFn } from '../engine-types.ts';

/** Builds a fresh decider (fresh strategy state) for one engine run with these params. */
export type DeciderFactory = (params: Params) => DecideFn;

/** mulberry32: a tiny seeded PRNG in [0, 1), so every validation run can be reproduced exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
