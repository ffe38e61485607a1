/**
 * Order intent rows (DESIGN inv. 4): the row is written with status 'intent' BEFORE the order is sent,
 * and its cl_ord_id is unique, so a second insert for the same order fails instead of duplicating it.
 */
import { OrderSchema, type Order, type OrderStatus } from '../contract/index.ts';
import type { Db, Statement } from './connection.ts';
import { DbError } from './errors.ts';
import { runUnique, validated } from './rows.ts';

/** What the caller knows before sending: status, fills and venue id come later. */
export type OrderIntent = Omit<Order, 'status' | 'filledQuantity' | 'venueOrderId' | 'updatedAt'>;

export interface OrderUpdate {
  status: OrderStatus;
  updatedAt: number;
  /** Left unchanged when omitted. */
  venueOrderId?: string;
  filledQuantity?: number;
}

/** Statuses that may still change at the venue: what reconciliation must look at after a restart. */
export const LIVE_ORDER_STATUSES: readonly OrderStatus[] = ['intent', 'sent', 'open', 'partial', 'unknown'];

export interface OrdersRepo {
  /** Records the intent; throws DbError('duplicate') when the cl_ord_id already exists. */
  insertIntent(intent: OrderIntent): Order;
  /** Throws DbError('not_found') when no order has this cl_ord_id. */
  updateStatus(clOrdId: string, update: OrderUpdate): Order;
  byClOrdId(clOrdId: string): Order | undefined;
  byStatus(...statuses: OrderStatus[]): Order[];
  /** Orders not yet in a final state (LIVE_ORDER_STATUSES), oldest first. */
  open(): Order[];
  /**
   * Orders the venue executed more of than the fills booked for them (filled_quantity, or the whole
   * quantity of a 'filled' row, above the sum of their fills), oldest first: fills to recover.
   */
  uncovered(): Order[];
  byPosition(positionId: string): Order[];
  /** Whether any cl_ord_id starts with `prefix` (a boot's id prefix must be unused). */
  anyClOrdIdStartingWith(prefix: string): boolean;
}

interface OrderRow {
  cl_ord_id: string;
  venue_order_id: string | null;
  pair: string;
  side: string;
  type: string;
  quantity: number;
  limit_price: number | null;
  status: string;
  filled_quantity: number;
  position_id: string | null;
  reason: string;
  created_at: number;
  updated_at: number;
}

function fromRow(r: OrderRow): Order {
  return validated(
    OrderSchema,
    {
      clOrdId: r.cl_ord_id,
      venueOrderId: r.venue_order_id,
      pair: r.pair,
      side: r.side,
      type: r.type,
      quantity: r.quantity,
      limitPrice: r.limit_price,
      status: r.status,
      filledQuantity: r.filled_quantity,
      positionId: r.position_id,
      reason: r.reason,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    },
    `orders row ${r.cl_ord_id}`,
  );
}

export function ordersRepo(db: Db): OrdersRepo {
  const insert = db.prepare(
    `INSERT INTO orders (cl_ord_id, venue_order_id, pair, side, type, quantity, limit_price, status,
       filled_quantity, position_id, reason, created_at, updated_at)
     VALUES (?, NULL, ?, ?, ?, ?, ?, 'intent', 0, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    `UPDATE orders SET status = ?, updated_at = ?, venue_order_id = COALESCE(?, venue_order_id),
       filled_quantity = COALESCE(?, filled_quantity) WHERE cl_ord_id = ?`,
  );
  const selectOne = db.prepare('SELECT * FROM orders WHERE cl_ord_id = ?');
  // 1e-9: below Kraken's 8 volume decimals, above the float noise of a sum of fills.
  const selectUncovered = db.prepare(
    `SELECT o.* FROM orders o LEFT JOIN (SELECT cl_ord_id, SUM(quantity) AS booked FROM fills GROUP BY cl_ord_id) f ON f.cl_ord_id = o.cl_ord_id
     WHERE MAX(o.filled_quantity, CASE WHEN o.status = 'filled' THEN o.quantity ELSE 0 END) > COALESCE(f.booked, 0) + 1e-9
     ORDER BY o.created_at, o.cl_ord_id`,
  );
  const prefixed = db.prepare('SELECT 1 FROM orders WHERE substr(cl_ord_id, 1, length(?1)) = ?1 LIMIT 1');
  const selectByPosition = db.prepare('SELECT * FROM orders WHERE position_id = ? ORDER BY created_at, cl_ord_id');
  const byStatusCount = new Map<number, Statement>();
  const byStatuses = (statuses: readonly OrderStatus[]): Order[] => {
    let stmt = byStatusCount.get(statuses.length);
    if (!stmt) {
      const marks = statuses.map(() => '?').join(', ');
      stmt = db.prepare(`SELECT * FROM orders WHERE status IN (${marks}) ORDER BY created_at, cl_ord_id`);
      byStatusCount.set(statuses.length, stmt);
    }
    return stmt.all<OrderRow>(statuses).map(fromRow);
  };
  const byClOrdId = (clOrdId: string): Order | undefined => {
    const row = selectOne.get<OrderRow>([clOrdId]);
    return row && fromRow(row);
  };

  return {
    insertIntent: (o) => {
      runUnique(
        insert,
        [o.clOrdId, o.pair, o.side, o.type, o.quantity, o.limitPrice, o.positionId, o.reason, o.createdAt, o.createdAt],
        `order ${o.clOrdId} already exists: reconcile it with the venue by cl_ord_id instead of sending it again`,
      );
      return { ...o, status: 'intent', filledQuantity: 0, venueOrderId: null, updatedAt: o.createdAt };
    },
    updateStatus: (clOrdId, u) => {
      const { changes } = runUnique(
        update,
        [u.status, u.updatedAt, u.venueOrderId ?? null, u.filledQuantity ?? null, clOrdId],
        `venue order id ${u.venueOrderId} already belongs to another order than ${clOrdId}; reconcile both by cl_ord_id`,
      );
      const order = changes === 1 ? byClOrdId(clOrdId) : undefined;
      if (!order) throw new DbError('not_found', `cannot set order ${clOrdId} to ${u.status}: no such cl_ord_id; insert its intent row first`);
      return order;
    },
    byClOrdId,
    byStatus: (...statuses) => (statuses.length === 0 ? [] : byStatuses(statuses)),
    open: () => byStatuses(LIVE_ORDER_STATUSES),
    uncovered: () => selectUncovered.all<OrderRow>().map(fromRow),
    byPosition: (positionId) => selectByPosition.all<OrderRow>([positionId]).map(fromRow),
    anyClOrdIdStartingWith: (prefix) => prefixed.get([prefix]) !== undefined,
  };
}
