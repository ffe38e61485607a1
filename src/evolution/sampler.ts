/**
 * Quasi-random points over the declared parameter box: a Halton sequence (one prime base per
 * parameter) with a seeded Cranley–Patterson shift. Low-discrepancy points cover the box far more
 * evenly than independent draws for the few hundred candidates a night affords, and the sequence is
 * a pure function of the seed and the index, so a search is reproducible and resumable. (No maintained
 * npm package offers Sobol/Halton or a CMA-ES we could use from TypeScript; this is 20 lines.)
 */
import type { ParamSpec, Params } from '../contract/index.ts';
import { mulberry32 } from '../sim/rng.ts';

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

export function radicalInverse(index: number, base: number): number {
  let f = 1;
  let r = 0;
  for (let i = index; i > 0; i = Math.floor(i / base)) {
    f /= base;
    r += f * (i % base);
  }
  return r;
}

export interface ParamSampler {
  /** The next point (parameters sorted by name). */
  next(): Params;
  /** How many points were drawn. */
  readonly drawn: number;
}

export function haltonSampler(specs: Readonly<Record<string, ParamSpec>>, seed: number): ParamSampler {
  const names = Object.keys(specs).sort();
  if (names.length > PRIMES.length) throw new RangeError(`the sampler supports ${PRIMES.length} parameters, the strategy declares ${names.length}`);
  const rnd = mulberry32(seed);
  const shift = names.map(() => rnd());
  let index = 0;
  return {
    next() {
      index += 1;
      const out: Params = {};
      names.forEach((name, d) => {
        const spec = specs[name]!;
        const u = (radicalInverse(index, PRIMES[d]!) + shift[d]!) % 1;
        const v = spec.min + u * (spec.max - spec.min);
        // Four significant digits: a finer grid only makes distinct hashes of the same strategy.
        out[name] = spec.integer ? Math.round(v) : Number(v.toPrecision(4));
      });
      return out;
    },
    get drawn() {
      return index;
    },
  };
}
