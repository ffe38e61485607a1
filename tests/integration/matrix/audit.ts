/**
 * The fault matrix's verdict, from the venue's own record (the simulator's orders, trades and balances)
 * against the daemon's database: every venue order has its row (inv. 4), no cl_ord_id reached the venue
 * twice, every venue trade is booked once, the cash and the coins the fills add up to are the venue's,
 * the open positions hold what the venue holds, nothing is left in flight, and the breaker's level.
 */
import type { Db } from '../../../src/db/index.ts';
import type { KrakenSim } from '../../../src/sim/index.ts';
import { pairByRestName } from '../../../src/sim/pairs.ts';
import { fillId } from '../../../src/trading/fill-id.ts';

/** The last decimal of a fee as Kraken reports it: the ledger may differ by half of it per fill. */
const FEE_UNIT = 1e-5;
const QTY_EPS = 1e-9;

export interface Audit {
  /** Venue orders without their row, and venue trades not booked. */
  lost: string[];
  /** cl_ord_ids the venue saw more than once, and trades booked more than once. */
  duplicated: string[];
  /** Money that does not agree (cash, coins, open positions), and orders still in flight. */
  disagreements: string[];
  breaker: string;
  venueOrders: number;
  venueTrades: number;
}

interface FillRow {
  trade_id: string;
  side: string;
  price: number;
  quantity: number;
  fee: number;
}

export function auditAgainstVenue(db: Db, sim: KrakenSim, startUsd: number, base = 'XXBT'): Audit {
  const venueOrders = sim.engine.orders();
  const venueTrades = sim.engine.trades();
  const rows = new Set(
    db
      .prepare('SELECT cl_ord_id FROM orders')
      .all<{ cl_ord_id: string }>()
      .map((r) => r.cl_ord_id),
  );
  const fills = db.prepare('SELECT trade_id, side, price, quantity, fee FROM fills').all<FillRow>();
  const lost: string[] = [];
  const duplicated: string[] = [];
  const seen = new Map<string, number>();
  for (const o of venueOrders) {
    const id = o.req.clOrdId ?? `(no cl_ord_id: ${o.txid})`;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (!rows.has(id)) lost.push(`venue order ${o.txid} (${id}) has no row`);
  }
  for (const [id, n] of seen) if (n > 1) duplicated.push(`cl_ord_id ${id} reached the venue ${n} times`);
  const booked = new Map<string, number>();
  for (const f of fills) booked.set(f.trade_id, (booked.get(f.trade_id) ?? 0) + 1);
  const venueIds = new Set(venueTrades.map(venueFillId));
  for (const t of venueTrades) if (!booked.has(venueFillId(t))) lost.push(`venue trade ${venueFillId(t)} (${t.side} ${t.vol}) not booked`);
  for (const [id, n] of booked) if (n > 1) duplicated.push(`trade ${id} booked ${n} times`);
  for (const f of fills) if (!venueIds.has(f.trade_id)) duplicated.push(`fill ${f.trade_id} booked but the venue has no such trade`);
  return {
    lost,
    duplicated,
    disagreements: moneyDisagreements(db, sim, fills, startUsd, base),
    breaker: breakerLevel(db),
    venueOrders: venueOrders.length,
    venueTrades: venueTrades.length,
  };
}

/** The daemon's key of a venue trade: `<pair>:<trade number>` (src/trading/fill-id.ts). */
function venueFillId(t: { pairKey: string; tradeId: number }): string {
  const pair = pairByRestName(t.pairKey);
  if (!pair) throw new Error(`venue trade on an unknown pair key ${t.pairKey}`);
  return fillId(pair.symbol, t.tradeId);
}

function moneyDisagreements(db: Db, sim: KrakenSim, fills: FillRow[], startUsd: number, base: string): string[] {
  const out: string[] = [];
  let cash = startUsd;
  let coins = 0;
  for (const f of fills) {
    const sign = f.side === 'buy' ? 1 : -1;
    cash -= sign * f.price * f.quantity + f.fee;
    coins += sign * f.quantity;
  }
  const balances = sim.engine.balances();
  const usd = balances['ZUSD']?.balance ?? 0;
  const held = balances[base]?.balance ?? 0;
  if (Math.abs(cash - usd) > (fills.length * FEE_UNIT) / 2 + 1e-6) out.push(`cash from the fills ${cash.toFixed(5)} ≠ venue USD ${usd.toFixed(5)}`);
  if (Math.abs(coins - held) > QTY_EPS) out.push(`coins from the fills ${coins} ≠ venue ${base} ${held}`);
  const open = db.prepare("SELECT COALESCE(SUM(quantity), 0) AS q FROM positions WHERE status != 'closed'").get<{ q: number }>()?.q ?? 0;
  if (Math.abs(open - held) > QTY_EPS) out.push(`open positions hold ${open} ≠ venue ${base} ${held}`);
  const live = db
    .prepare("SELECT cl_ord_id, status FROM orders WHERE status IN ('intent', 'sent', 'open', 'partial', 'unknown')")
    .all<{ cl_ord_id: string; status: string }>();
  for (const o of live) out.push(`order ${o.cl_ord_id} still ${o.status}`);
  return out;
}

function breakerLevel(db: Db): string {
  return db.prepare('SELECT state FROM risk_state').get<{ state: string }>()?.state ?? 'active';
}
