/** Positions as the portfolio accounting keeps them; the whole row is written on every change. */
import { PositionSchema, type Pair, type Position } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { validated } from './rows.ts';

export interface PositionsRepo {
  /** Inserts or replaces the position with this id. */
  save(position: Position): void;
  byId(id: string): Position | undefined;
  /** Every position not yet closed (pendingEntry, open, pendingExit), oldest first. */
  open(): Position[];
  openByPair(pair: Pair): Position[];
  /** Positions closed in [from, to), by close time. */
  closedInRange(from: number, to: number): Position[];
}

type PositionRow = {
  id: string;
  pair: string;
  status: string;
  quantity: number;
  entry_price: number;
  entry_fees: number;
  exit_fees: number;
  realized_pnl: number;
  stop_loss: number | null;
  take_profit: number | null;
  strategy_version: string;
  opened_at: number;
  closed_at: number | null;
  exit_reason: string | null;
};

function fromRow(r: PositionRow): Position {
  return validated(
    PositionSchema,
    {
      id: r.id,
      pair: r.pair,
      status: r.status,
      quantity: r.quantity,
      entryPrice: r.entry_price,
      entryFees: r.entry_fees,
      exitFees: r.exit_fees,
      realizedPnl: r.realized_pnl,
      stopLoss: r.stop_loss,
      takeProfit: r.take_profit,
      strategyVersion: r.strategy_version,
      openedAt: r.opened_at,
      closedAt: r.closed_at,
      exitReason: r.exit_reason,
    },
    `positions row ${r.id}`,
  );
}

function toRow(p: Position): PositionRow {
  return {
    id: p.id,
    pair: p.pair,
    status: p.status,
    quantity: p.quantity,
    entry_price: p.entryPrice,
    entry_fees: p.entryFees,
    exit_fees: p.exitFees,
    realized_pnl: p.realizedPnl,
    stop_loss: p.stopLoss,
    take_profit: p.takeProfit,
    strategy_version: p.strategyVersion,
    opened_at: p.openedAt,
    closed_at: p.closedAt,
    exit_reason: p.exitReason,
  };
}

export function positionsRepo(db: Db): PositionsRepo {
  const save = db.prepare(
    `INSERT OR REPLACE INTO positions (id, pair, status, quantity, entry_price, entry_fees, exit_fees, realized_pnl,
       stop_loss, take_profit, strategy_version, opened_at, closed_at, exit_reason)
     VALUES (:id, :pair, :status, :quantity, :entry_price, :entry_fees, :exit_fees, :realized_pnl,
       :stop_loss, :take_profit, :strategy_version, :opened_at, :closed_at, :exit_reason)`,
  );
  const selectOne = db.prepare('SELECT * FROM positions WHERE id = ?');
  const selectOpen = db.prepare("SELECT * FROM positions WHERE status <> 'closed' ORDER BY opened_at, id");
  const selectOpenByPair = db.prepare("SELECT * FROM positions WHERE status <> 'closed' AND pair = ? ORDER BY opened_at, id");
  const selectClosed = db.prepare('SELECT * FROM positions WHERE closed_at >= ? AND closed_at < ? ORDER BY closed_at, id');

  return {
    save: (p) => void save.run(toRow(p)),
    byId: (id) => {
      const row = selectOne.get<PositionRow>([id]);
      return row && fromRow(row);
    },
    open: () => selectOpen.all<PositionRow>().map(fromRow),
    openByPair: (pair) => selectOpenByPair.all<PositionRow>([pair]).map(fromRow),
    closedInRange: (from, to) => selectClosed.all<PositionRow>([from, to]).map(fromRow),
  };
}
