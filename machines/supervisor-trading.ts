/**
 * The supervisor's trading actions: marks from prices and candles, the ledger marked to market, candles
 * forwarded to the breaker, the journal and the scanners, fills booked once, order updates and balances,
 * the positions' and the breaker's reports, and the operator's trading commands (emergency stop, breaker,
 * force exit). The routing of intents itself (`route`) stays in supervisor.machine.ts, the kernel.
 */
import { timeframeMs } from '../src/contract/index.ts';
import { portfolioRow, priceTriggers } from '../src/trading/routing.ts';
import { BREAKER_ACTOR_ID, type BreakerEmitted } from './breaker.machine.ts';
import type { PositionEmitted } from './position.machine.ts';
import * as logic from './supervisor-logic.ts';
import * as operator from './supervisor-operator.ts';
import { scannerId } from './supervisor-logic.ts';
import * as account from './supervisor-account.ts';
import { supervisorBase } from './supervisor-children.ts';
import type { JournalCommand, VenueWatchCommand } from './supervisor-types.ts';

export const tradingActions = {
  markPrice: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type !== 'market.price') return;
    enqueue.assign({ marks: { ...c.marks, [event.pair]: event.price }, now: Math.max(c.now, event.time) });
    for (const s of c.slots) if (s.pair === event.pair && priceTriggers(s, event.price)) enqueue.sendTo(s.positionId, event);
  }),
  /** A closed candle's close is its pair's mark; its close time moves the clock on. */
  takeCandle: supervisorBase.assign(({ context: c, event }) =>
    event.type === 'market.candle'
      ? { marks: { ...c.marks, [event.pair]: event.candle.close }, now: Math.max(c.now, event.candle.time + timeframeMs(c.timeframe)) }
      : {},
  ),
  /** 00:00 UTC: the day closes on the clock even when no candle arrives (a quiet feed). */
  takeMidnight: supervisorBase.assign({ now: ({ context: c, event }) => (event.type === 'schedule.dailySnapshot' ? Math.max(c.now, event.time) : c.now) }),
  /** The ledger marked at the context's marks and time (peak, UTC day roll); each day that closed is announced and journalled. */
  markToMarket: supervisorBase.enqueueActions(({ context: c, enqueue }) => {
    const { ledger, closedDays } = logic.markedLedger(c.ledger, c.marks, c.now);
    enqueue.assign({ ledger });
    for (const cmd of closedDays) {
      enqueue.emit({ type: 'portfolio.daily', day: cmd.day });
      enqueue.sendTo('journal', cmd);
    }
  }),
  /** After a candle's mark: the breaker hears the equity, the journal one row per step, the pair's scanner the candle. */
  forwardCandle: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type !== 'market.candle') return;
    enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'portfolio.updated', view: logic.breakerView(c.ledger, c.now) });
    // One portfolio row per candle step (the first pair's candle marks the step), for drawdown and the truth benchmarks.
    if (event.pair === c.pairs[0]) enqueue.sendTo('journal', { type: 'journal.portfolio', ...portfolioRow(c.ledger, c.marks, c.now) } satisfies JournalCommand);
    enqueue.sendTo(scannerId(event.pair), { type: 'market.candle', pair: event.pair, timeframe: c.timeframe, candle: event.candle, closed: true });
    for (const t of c.evolution.paperTests) if (t.running) enqueue.sendTo(t.id, event);
    if (event.pair === c.pairs[0]) enqueue.sendTo('rollbackWatch', { type: 'watch.equity', equity: c.ledger.lastEquity, at: c.now });
  }),
  /**
   * The one place a fill is booked and written (the journal is the fills table's only writer): a fill heard
   * from the venue, or found by a position asking the venue, once by trade id. A heard fill goes on, with
   * its order's status, to its position; a found one came from there.
   */
  bookFill: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if ((event.type !== 'venue.fill' && event.type !== 'position.fillFound') || c.seenTrades[event.fill.tradeId]) return;
    const { fill } = event;
    enqueue.assign(logic.bookedFill(c, fill));
    enqueue.sendTo('journal', { type: 'journal.fill', fill } satisfies JournalCommand);
    enqueue.emit({ type: 'order.filled', fill });
    enqueue.sendTo('rollbackWatch', { type: 'order.filled', fill });
    const heard = event.type === 'venue.fill' ? logic.fillForPosition(c.slots, fill, event.order) : null;
    if (heard) for (const e of heard.events) enqueue.sendTo(heard.positionId, e);
    const orphan = account.orphanFillAlert(c.slots, fill);
    if (orphan) enqueue.emit({ type: 'supervisor.alert', message: orphan, at: c.now });
  }),
  forwardOrderUpdate: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    const update = event.type === 'venue.orderUpdate' ? account.updateForPosition(c.slots, event) : null;
    if (update) enqueue.sendTo(update.positionId, update.event);
  }),
  /** Venue balances against the ledger: a mismatch is an alert and a breaker hold (reducing) until a check agrees again. */
  reconcileBalances: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type !== 'venue.balances') return;
    const { mismatches, alert } = account.balanceVerdict(c, event.balances);
    enqueue.emit({ type: 'balances.reconciled', mismatches, at: c.now });
    if (alert) enqueue.emit({ type: 'supervisor.alert', message: alert, at: c.now });
    enqueue.sendTo(BREAKER_ACTOR_ID, { type: alert ? 'breaker.hold' : 'breaker.release', reason: 'balance_mismatch', time: c.now });
  }),
  followPosition: supervisorBase.enqueueActions(({ context: c, event, enqueue, self }) => {
    const report = event as PositionEmitted;
    const slots = logic.slotsAfter(c.slots, report);
    if (slots) enqueue.assign({ slots });
    if (report.type === 'position.exitBlocked') {
      enqueue.emit({ type: 'supervisor.alert', message: logic.exitBlockedAlert(report), at: c.now });
      // The holding the venue refuses to sell is probably not there: the balances will say.
      if (self.getSnapshot().children['venueWatch']) enqueue.sendTo('venueWatch', { type: 'venue.checkBalances' } satisfies VenueWatchCommand);
    }
    if (report.type === 'position.closed') {
      enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'trade.closed', pnl: report.pnl, time: report.at });
      enqueue.assign({ streak: report.pnl < 0 ? c.streak + 1 : 0, evolution: { ...c.evolution, canaryLeft: Math.max(0, c.evolution.canaryLeft - 1) } });
    }
    enqueue.emit(report);
    enqueue.sendTo('rollbackWatch', report);
  }),
  followBreaker: supervisorBase.enqueueActions(({ event, enqueue }) => {
    const level = logic.breakerLevelOf(event.type);
    if (level) enqueue.assign({ breaker: level });
    if ('consecutiveLosses' in event) enqueue.assign({ streak: event.consecutiveLosses });
    enqueue.emit(event as BreakerEmitted);
  }),
  closeAll: supervisorBase.enqueueActions(({ context: c, enqueue }) => {
    enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'breaker.halt', by: 'emergency', time: c.now });
    for (const s of c.slots) enqueue.sendTo(s.positionId, { type: 'position.close', reason: 'emergency', time: c.now });
  }),
  /** The operator's breaker resume/halt, forwarded to the breaker with the supervisor's time. */
  forwardToBreaker: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    const command = operator.breakerCommand(event, c.now);
    if (command) enqueue.sendTo(BREAKER_ACTOR_ID, command);
  }),
  /** The operator's force exit: a manual close to each working position of the pair (or all). */
  forceExit: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    for (const close of operator.forcedExits(c, event)) enqueue.sendTo(close.positionId, close.event);
  }),
};
