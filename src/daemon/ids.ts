/**
 * Position and order ids (issue 12): never built from the clock, which steps back and restarts (`brain run
 * --sim` replays from the first candle). Each boot draws a random prefix that no stored position or order
 * uses and numbers its positions from 0; a position's orders are `${positionId}-${n}`. Every id fits
 * Kraken's cl_ord_id rule (kraken-api.md §6.1: at most 18 printable ASCII characters, or a UUID).
 */
import { randomBytes } from 'node:crypto';
import type { Repositories } from '../db/index.ts';

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
  throw new Error(`no unused position id prefix in ${DRAWS} draws: the random source repeats itself; check the node:crypto entropy source`);
}

/** `P` + boot prefix + the boot's position counter in base 36: ≤ 12 characters below 36⁵ positions per boot, so `-9999` still fits 18. */
export function positionIdFor(prefix: string, seq: number): string {
  return `P${prefix}${seq.toString(36)}`;
}

/** The position a cl_ord_id belongs to: cl_ord_ids are `${positionId}-${n}`. */
export function positionOfOrder(clOrdId: string): string {
  const i = clOrdId.lastIndexOf('-');
  return i < 0 ? clOrdId : clOrdId.slice(0, i);
}
