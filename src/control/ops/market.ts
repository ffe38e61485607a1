/** The market side: /signals, /pairs, /fees, /risk. */
import { breakerTrigger } from '../../trading/breaker.ts';
import { dailyLossFraction, drawdownFraction } from '../../trading/breaker.ts';
import { equityOf, type Holding } from '../../trading/portfolio.ts';
import { args, int } from '../args.ts';
import { clip, num, pct, usd, utc } from '../format.ts';
import { operation } from '../operation.ts';
import { done, fields, table, text, title } from '../reply.ts';
import { DAY_MS, feesOf, live, nowOf, repos } from './common.ts';

export const signals = operation({
  name: 'signals',
  group: 'status',
  role: 'viewer',
  summary: 'The last n signals (default 10) and what became of them',
  args: args({ n: int('n', 1, 100, 10) }),
  async run(deps, { n }) {
    const now = nowOf(deps);
    const rows = repos(deps)
      .signals.signalsInRange(now - 30 * DAY_MS, now + 1)
      .slice(-n)
      .reverse();
    if (rows.length === 0) return done(title('Signals'), text('No signals in the last 30 days.'));
    return done(
      title(`Last ${rows.length} signals`),
      table(
        ['time', 'pair', 'action', 'outcome', 'why'],
        rows.map((s) => [
          utc(s.createdAt).slice(5, 16),
          s.intent.pair,
          s.intent.decision.action,
          s.outcome,
          clip(s.rejectReason ?? s.intent.decision.reason, 40),
        ]),
      ),
    );
  },
});

export const pairs = operation({
  name: 'pairs',
  group: 'status',
  role: 'viewer',
  summary: 'The traded pairs: last price, holding, fees',
  args: args({}),
  async run(deps) {
    const v = live(deps);
    const rows = deps.config.pairs.map((pair) => {
      const h = v?.ledger.holdings[pair] as Holding | undefined;
      const fees = feesOf(deps, pair);
      return [pair, num(v?.marks[pair]), h ? num(h.quantity) : '-', `${pct(fees.maker, 2)}/${pct(fees.taker, 2)}`];
    });
    return done(title('Pairs'), table(['pair', 'price', 'held', 'maker/taker'], rows), ...(v ? [] : [text('Prices need the running daemon.')]));
  },
});

export const fees = operation({
  name: 'fees',
  group: 'status',
  role: 'viewer',
  summary: 'Fee schedule per pair (venue or fallback) and fees paid',
  args: args({}),
  async run(deps) {
    const r = repos(deps);
    const rows = deps.config.pairs.map((pair) => {
      const stored = r.fees.get(pair);
      const rates = stored?.rates ?? deps.config.trading.fallbackFees;
      return [pair, pct(rates.maker), pct(rates.taker), stored ? `${stored.source} ${utc(stored.updatedAt).slice(0, 10)}` : 'config fallback'];
    });
    const paid = deps.db.prepare('SELECT COALESCE(SUM(fee), 0) AS v FROM fills').get<{ v: number }>()!.v;
    const roundTrip = deps.config.trading.fallbackFees.taker * 2 + deps.config.trading.slippageFraction * 2;
    return done(
      title('Fees'),
      table(['pair', 'maker', 'taker', 'source'], rows),
      fields([
        ['fees paid, all fills', usd(paid)],
        ['round trip at taker + slippage', pct(roundTrip)],
      ]),
    );
  },
});

export const risk = operation({
  name: 'risk',
  group: 'status',
  role: 'viewer',
  summary: 'Risk limits against the current figures',
  args: args({}),
  async run(deps) {
    const limits = deps.config.risk;
    const v = live(deps);
    if (!v) {
      return done(
        title('Risk limits'),
        fields(Object.entries(limits).map(([k, value]) => [k, String(value)] as const)),
        text('Current figures need the running daemon.'),
      );
    }
    const equity = equityOf(v.ledger, (p) => v.marks[p] ?? v.ledger.holdings[p]?.entryPrice ?? 0);
    const exposure = equity - v.ledger.cash;
    const view = {
      equity,
      cash: v.ledger.cash,
      peakEquity: Math.max(v.ledger.peakEquity, equity),
      dayStartEquity: v.ledger.dayStartEquity,
      consecutiveLosses: v.streak,
      lastLossAt: v.ledger.lastLossAt,
      now: v.now,
      openPositions: v.slots.length,
      pairExposure: 0,
      totalExposure: exposure,
      heldQuantity: 0,
    };
    const rule = breakerTrigger(view, limits);
    return done(
      title('Risk'),
      table(
        ['rule', 'now', 'limit'],
        [
          ['daily loss', pct(dailyLossFraction(view)), pct(limits.dailyLossFraction)],
          ['drawdown', pct(drawdownFraction(view)), `${pct(limits.reducingDrawdownFraction)} reduce, ${pct(limits.maxDrawdownFraction)} halt`],
          ['losing streak', String(v.streak), String(limits.maxConsecutiveLosses)],
          ['open positions', String(v.slots.length), String(limits.maxOpenPositions)],
          ['total exposure', pct(equity > 0 ? exposure / equity : 0), pct(limits.maxTotalExposureFraction)],
          ['position size', '-', pct(limits.maxPositionFraction)],
        ],
      ),
      fields([
        ['breaker', `${v.breaker} (the rule says ${rule.level}${rule.reason ? `: ${rule.reason}` : ''})`],
        ['resume', `${limits.resume}${limits.resume === 'auto' ? ` after ${limits.autoResumeAfterMinutes} min` : ' (/resetbreaker)'}`],
      ]),
    );
  },
});
