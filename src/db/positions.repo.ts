/** Positions as the portfolio accounting keeps them; the whole row is written on every change. */
import { PositionSchema, type Pair, type Position } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { DbError } from './errors.ts';
import { validated } from './rows.ts';

export interface PositionsRepo {
  /**
   * Inserts the position, or updates the row of the SAME position (same pair, strategy version and opening
   * time). Another position under that id is refused with DbError('duplicate'): an id conflict never rewrites a row.
   */
  save(position: Position): void;
  /** Whether any position id starts with `prefix` (a boot's id prefix must be unused). */
  anyIdStartingWith(prefix: string): boolean;
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
    `INSERT INTO positions (id, pair, status, quantity, entry_price, entry_fees, exit_fees, realized_pnl,
       stop_loss, take_profit, strategy_version, opened_at, closed_at, exit_reason)
     VALUES (:id, :pair, :status, :quantity, :entry_price, :entry_fees, :exit_fees, :realized_pnl,
       :stop_loss, :take_profit, :strategy_version, :opened_at, :closed_at, :exit_reason)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, quantity = excluded.quantity, entry_price = excluded.entry_price,
       entry_fees = excluded.entry_fees, exit_fees = excluded.exit_fees, realized_pnl = excluded.realized_pnl, stop_loss = excluded.stop_loss,
       take_profit = excluded.take_profit, closed_at = excluded.closed_at, exit_reason = excluded.exit_reason
     WHERE positions.pair = excluded.pair AND positions.strategy_version = excluded.strategy_version AND positions.opened_at = excluded.opened_at`,
  );
  const prefixed = db.prepare('SELECT 1 FROM positions WHERE substr(id, 1, length(?1)) = ?1 LIMIT 1');
  const selectOne = db.prepare('SELECT * FROM positions WHERE id = ?');
  const selectOpen = db.prepare("SELECT * FROM positions WHERE status <> 'closed' ORDER BY opened_at, id");
  const selectOpenByPair = db.prepare("SELECT * FROM positions WHERE status <> 'closed' AND pair = ? ORDER BY opened_at, id");
  const selectClosed = db.prepare('SELECT * FROM positions WHERE closed_at >= ? AND closed_at < ? ORDER BY closed_at, id');

  return {
    save: (p) => {
      if (save.run(toRow(p)).changes === 1) return;
      const other = selectOne.get<PositionRow>([p.id]);
      throw new DbError(
        'duplicate',
        `position id ${p.id} already names another position (${other?.pair} opened at ${other?.opened_at}, ${other?.status}); not overwritten: position ids must be unique, restart to draw a new id prefix`,
      );
    },
    anyIdStartingWith: (prefix) => prefixed.get([prefix]) !== undefined,
    byId: (id) => {
      const row = selectOne.get<PositionRow>([id]);
      return row && fromRow(row);
    },
    open: () => selectOpen.all<PositionRow>().map(fromRow),
    openByPair: (pair) => selectOpenByPair.all<PositionRow>([pair]).map(fromRow),
    closedInRange: (from, to) => selectClosed.all<PositionRow>([from, to]).map(fromRow),
  };
}
