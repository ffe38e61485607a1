/**
 * Executions, unique by fill identity (`<pair>:<trade number>`, src/trading/fill-id.ts): the same fill heard
 * twice (WS and REST, or after a reconnect) is stored once, two pairs' fills Kraken numbered alike are two
 * rows, and the caller learns whether it was new so it applies the fill to a position once.
 */
import { FillSchema, type Fill } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { validated } from './rows.ts';

export interface FillsRepo {
  /** Stores the fill unless its trade_id is known; true when it was new. */
  insert(fill: Fill): boolean;
  byClOrdId(clOrdId: string): Fill[];
  /** Fills with time in [from, to), oldest first. */
  inRange(from: number, to: number): Fill[];
}

interface FillRow {
  trade_id: string;
  cl_ord_id: string;
  pair: string;
  side: string;
  price: number;
  quantity: number;
  fee: number;
  liquidity: string;
  time: number;
  slippage_cost: number | null;
}

function fromRow(r: FillRow): Fill {
  return validated(
    FillSchema,
    {
      tradeId: r.trade_id,
      clOrdId: r.cl_ord_id,
      pair: r.pair,
      side: r.side,
      price: r.price,
      quantity: r.quantity,
      fee: r.fee,
      liquidity: r.liquidity,
      time: r.time,
      ...(r.slippage_cost === null ? {} : { slippageCost: r.slippage_cost }),
    },
    `fills row ${r.trade_id}`,
  );
}

export function fillsRepo(db: Db): FillsRepo {
  const insert = db.prepare(
    `INSERT INTO fills (trade_id, cl_ord_id, pair, side, price, quantity, fee, liquidity, time, slippage_cost)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trade_id) DO NOTHING`,
  );
  const selectByOrder = db.prepare('SELECT * FROM fills WHERE cl_ord_id = ? ORDER BY time, trade_id');
  const selectRange = db.prepare('SELECT * FROM fills WHERE time >= ? AND time < ? ORDER BY time, trade_id');

  return {
    insert: (f) => insert.run([f.tradeId, f.clOrdId, f.pair, f.side, f.price, f.quantity, f.fee, f.liquidity, f.time, f.slippageCost ?? null]).changes === 1,
    byClOrdId: (clOrdId) => selectByOrder.all<FillRow>([clOrdId]).map(fromRow),
    inRange: (from, to) => selectRange.all<FillRow>([from, to]).map(fromRow),
  };
}
