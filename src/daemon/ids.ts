/**
 * The boot's id prefix (issue 12): position and order ids are never built from the clock, which steps back
 * and restarts (`brain run --sim` replays from the first candle). Each boot draws a random prefix that no
 * stored position or order uses; the supervisor numbers its positions from 0 under it (positionIdFor in
 * src/trading/routing.ts, pure, for the machines).
 */
import { randomBytes } from 'node:crypto';
import type { Repositories } from '../db/index.ts';
import { positionIdFor } from '../trading/routing.ts';
import { BrainError } from '../contract/errors.ts';

/** 6 base-36 characters: about 2·10⁹ prefixes, checked against the database anyway. */
const PREFIX_LENGTH = 6;
const DRAWS = 100;

export function randomPrefix(): string {
  const n = randomBytes(8).readBigUInt64BE() % 36n ** BigInt(PREFIX_LENGTH);
  return n.toString(36).padStart(PREFIX_LENGTH, '0');
}

/** A prefix for this boot's ids that no position or order in the database starts with. */
export function newIdPrefix(repos: Pick<Repositories, 'positions' | 'orders'>, draw: () => string = randomPrefix): string {
  for (let i = 0; i < DRAWS; i++) {
    const prefix = draw();
    const id = positionIdFor(prefix, 0).slice(0, 1 + prefix.length);
    if (!repos.positions.anyIdStartingWith(id) && !repos.orders.anyClOrdIdStartingWith(id)) return prefix;
  }
  throw new BrainError(`no unused position id prefix in ${DRAWS} draws: the random source repeats itself; check the node:crypto entropy source`, {
    domain: 'daemon',
    code: 'id_exhausted',
    retryable: false,
  });
}
