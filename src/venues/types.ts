/**
 * What both venues add to the position machine's `Venue` (src/trading/venue.ts): a push of fills as
 * they happen, so the shell need not poll queryOrder. The Venue interface itself is not redefined here.
 */
import type { Fill, Pair } from '../contract/index.ts';
import type { VenueOrder } from '../trading/venue.ts';

/** One new fill and the order's state right after it. */
export type FillListener = (fill: Fill, order: VenueOrder) => void;

/** The paper account: USD cash and base units per pair, after fees. */
export interface PaperBalances {
  readonly cash: number;
  readonly holdings: Partial<Record<Pair, number>>;
}
