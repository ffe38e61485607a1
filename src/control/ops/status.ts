/**
 * Where the account stands: /status, /positions, /trades, /order, /count, /balance. The live figures come
 * from the supervisor's own snapshot (ledger, marks, working positions); without a running daemon they
 * come from the database (open positions, the last portfolio snapshot) and say so.
 */
import type { Pair } from '../../contract/index.ts';
import { drawdownOf, dailyPnlOf, equityOf, unrealizedPnl, type Holding } from '../../trading/portfolio.ts';
import { NO_ARGS, args, choice, int, word } from '../args.ts';
import { duration, num, pct, signedUsd, usd, utc } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import type { SupervisorView } from '../ports.ts';
import { done, fields, refused, table, text, title, type Block } from '../reply.ts';
import { feedWords, feesOf, live, nowOf, repos } from './common.ts';

const STATE_WORDS: Record<SupervisorView['state'], string> = {
  booting: 'booting',
  trading: 'trading',
  paused: 'paused (no new entries)',
  emergencyStop: 'emergency stop in progress',
  halted: 'halted after an emergency stop',
  shuttingDown: 'shutting down',
  stopped: 'stopped',
  failed: 'failed',
};

const markOf = (v: SupervisorView) => (pair: Pair) => v.marks[pair] ?? v.ledger.holdings[pair]?.entryPrice ?? 0;

function positionRows(deps: ControlDeps, v: SupervisorView): string[][] {
  return v.slots.map((s) => {
    const h = v.ledger.holdings[s.pair] as Holding | undefined;
    const mark = v.marks[s.pair];
    const upnl = h && mark !== undefined ? unrealizedPnl(h, mark, feesOf(deps, s.pair)) : null;
    return [s.pair, s.phase, h ? num(h.quantity) : '-', h ? num(h.entryPrice) : '-', num(mark), signedUsd(upnl)];
  });
}

/** Open positions as the database last recorded them (the daemon is not running). */
function storedPositions(deps: ControlDeps): Block[] {
  const open = repos(deps).positions.open();
  const latest = repos(deps).snapshots.latestPortfolio();
  return [
    text(`The daemon is not running: figures as last stored${latest ? ` (${utc(latest.time)})` : ''}.`),
    fields([
      ['equity', usd(latest?.equity)],
      ['cash', usd(latest?.cash)],
      ['drawdown', pct(latest?.drawdown)],
      ['open positions', String(open.length)],
    ]),
    ...(open.length > 0
      ? [
          table(
            ['pair', 'status', 'qty', 'entry', 'opened'],
            open.map((p) => [p.pair, p.status, num(p.quantity), num(p.entryPrice), utc(p.openedAt)]),
          ),
        ]
      : []),
  ];
}

export const status = operation({
  name: 'status',
  group: 'status',
  role: 'viewer',
  summary: 'State, equity, breaker and open positions (table: one row per position)',
  args: args({ view: choice('view', ['brief', 'table'], 'brief') }),
  async run(deps, { view }) {
    const v = live(deps);
    if (!v) return done(title('Status'), ...storedPositions(deps));
    const l = v.ledger;
    const equity = equityOf(l, markOf(v));
    const head = fields([
      ['state', `${STATE_WORDS[v.state]} · ${deps.config.mode}`],
      ['breaker', `${v.breaker}${v.streak > 0 ? ` (losing streak ${v.streak})` : ''}`],
      ['feed', feedWords(v)],
      ['equity', `${usd(equity)} (cash ${usd(l.cash)})`],
      ['today', `${signedUsd(dailyPnlOf(l, equity))} · drawdown ${pct(drawdownOf(l, equity))}`],
      ['positions', `${v.slots.length} of ${deps.config.risk.maxOpenPositions}`],
      ['market time', utc(v.now)],
    ]);
    if (v.slots.length === 0) return done(title('Status'), head);
    const rows = positionRows(deps, v);
    const detail =
      view === 'table'
        ? table(['pair', 'phase', 'qty', 'entry', 'mark', 'uP&L'], rows)
        : text(rows.map((r) => `${r[0]} ${r[1]} ${r[2]} @ ${r[3]} → ${r[4]} (${r[5]})`).join('\n'));
    return done(title('Status'), head, detail);
  },
});

export const positions = operation({
  name: 'positions',
  group: 'status',
  role: 'viewer',
  summary: 'Open positions: quantity, entry, mark, unrealised P&L, stop, target, age',
  args: NO_ARGS,
  async run(deps) {
    const v = live(deps);
    if (!v) return done(title('Positions'), ...storedPositions(deps));
    if (v.slots.length === 0) return done(title('Positions'), text('No open positions.'));
    const rows = v.slots.map((s, i) => {
      const h = v.ledger.holdings[s.pair];
      return [...positionRows(deps, v)[i]!, num(s.stopLoss), num(s.takeProfit), h ? duration(v.now - h.openedAt) : '-', s.positionId];
    });
    return done(title('Positions'), table(['pair', 'phase', 'qty', 'entry', 'mark', 'uP&L', 'stop', 'target', 'age', 'id'], rows));
  },
});

export const trades = operation({
  name: 'trades',
  group: 'status',
  role: 'viewer',
  summary: 'The last n closed trades (default 10)',
  args: args({ n: int('n', 1, 100, 10) }),
  async run(deps, { n }) {
    const rows = repos(deps)
      .positions.closedInRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
      .filter((p) => p.exitReason !== null)
      .slice(-n)
      .reverse();
    if (rows.length === 0) return done(title('Trades'), text('No closed trades yet.'));
    return done(
      title(`Last ${rows.length} trades`),
      table(
        ['closed', 'pair', 'P&L', 'fees', 'exit', 'held'],
        rows.map((p) => [
          utc(p.closedAt).slice(5, 16),
          p.pair,
          signedUsd(p.realizedPnl),
          usd(p.entryFees + p.exitFees),
          p.exitReason ?? '-',
          duration((p.closedAt ?? p.openedAt) - p.openedAt),
        ]),
      ),
    );
  },
});

export const order = operation({
  name: 'order',
  group: 'status',
  role: 'viewer',
  summary: 'The orders and fills of a position (position id or cl_ord_id)',
  args: args({ id: word('ID', /^[\w-]{1,36}$/, 'a position id or a cl_ord_id, as /positions and /trades show them') }),
  async run(deps, { id }) {
    const r = repos(deps);
    const single = r.orders.byClOrdId(id!);
    const orders = single ? [single] : r.orders.byPosition(id!);
    if (orders.length === 0) return refused('not_found', `No order or position "${id}"; /positions and /trades show the ids.`);
    const fills = orders.flatMap((o) => r.fills.byClOrdId(o.clOrdId));
    return done(
      title(`Orders of ${single?.positionId ?? id}`),
      table(
        ['cl_ord_id', 'side', 'type', 'qty', 'filled', 'status', 'updated'],
        orders.map((o) => [o.clOrdId, o.side, o.type, num(o.quantity), num(o.filledQuantity), o.status, utc(o.updatedAt)]),
      ),
      ...(fills.length > 0
        ? [
            table(
              ['trade', 'side', 'qty', 'price', 'fee', 'time'],
              fills.map((f) => [f.tradeId, f.side, num(f.quantity), num(f.price), usd(f.fee), utc(f.time)]),
            ),
          ]
        : [text('No fills.')]),
    );
  },
});

export const count = operation({
  name: 'count',
  group: 'status',
  role: 'viewer',
  summary: 'Position slots used of the maximum',
  args: NO_ARGS,
  async run(deps) {
    const v = live(deps);
    const used = v ? v.slots.length : repos(deps).positions.open().length;
    const working = v ? v.slots.filter((s) => s.phase !== 'open').length : 0;
    const max = deps.config.risk.maxOpenPositions;
    return done(
      text(
        `${used} of ${max} position slots used${working > 0 ? ` (${working} with an order working)` : ''}${v ? '' : ' (as stored; the daemon is not running)'}.`,
      ),
    );
  },
});

export const balance = operation({
  name: 'balance',
  group: 'status',
  role: 'viewer',
  summary: 'Cash, holdings at the mark, equity, realised P&L and fees',
  args: NO_ARGS,
  async run(deps) {
    const v = live(deps);
    if (!v) return done(title('Balance'), ...storedPositions(deps));
    const l = v.ledger;
    const holdings = (Object.values(l.holdings) as Holding[]).map((h) => [h.pair, num(h.quantity), num(v.marks[h.pair]), usd(h.quantity * markOf(v)(h.pair))]);
    return done(
      title('Balance'),
      fields([
        ['cash', usd(l.cash)],
        ['equity', usd(equityOf(l, markOf(v)))],
        ['started with', usd(l.initialCash)],
        ['realised P&L', signedUsd(l.realizedPnl)],
        ['fees paid', usd(l.feesPaid)],
        ['peak equity', usd(l.peakEquity)],
        ['as of', utc(nowOf(deps))],
      ]),
      ...(holdings.length > 0 ? [table(['asset', 'qty', 'mark', 'value'], holdings)] : []),
    );
  },
});
