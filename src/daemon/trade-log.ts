/**
 * Trading in the log at `info` (issue 12): every routed intent with its verdict, every fill, positions
 * opened and closed with their P&L, breaker changes with their reason, balance reconciliations, alerts.
 * Each line carries child bindings an operator can grep (pair, positionId, clOrdId). Orders sent,
 * accepted and refused are logged where they happen (actors/position.actors.ts), sweeps in actors/supervisor/account-watch.ts.
 */
import type { Logger } from 'pino';
import type { SupervisorEmitted } from '../../machines/supervisor.machine.ts';

/** One listener for everything the supervisor emits (`actor.on('*', tradeLog(log))`). */
export function tradeLog(log: Logger): (e: SupervisorEmitted) => void {
  return (e) => {
    switch (e.type) {
      case 'intent.accepted': {
        const { pair, decision } = e.intent;
        log.child({ pair, positionId: e.positionId }).info({ action: decision.action, quantity: e.quantity, reason: decision.reason }, 'intent accepted');
        return;
      }
      case 'intent.rejected': {
        const { pair, decision } = e.intent;
        log.child({ pair }).info({ action: decision.action, verdict: e.reason }, 'intent rejected');
        return;
      }
      case 'order.filled': {
        const f = e.fill;
        log
          .child({ pair: f.pair, clOrdId: f.clOrdId })
          .info({ tradeId: f.tradeId, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee }, 'order filled');
        return;
      }
      case 'position.opened':
        log.child({ pair: e.pair, positionId: e.positionId }).info({ quantity: e.quantity, entryPrice: e.entryPrice }, 'position opened');
        return;
      case 'position.closed':
        log.child({ pair: e.pair, positionId: e.positionId }).info({ pnl: e.pnl, fees: e.fees, exitReason: e.exitReason }, 'position closed');
        return;
      case 'position.abandoned':
        log
          .child({ pair: e.pair, positionId: e.positionId, clOrdId: e.clOrdId })
          .info({ status: e.status }, `entry ${e.status === 'canceled' ? 'cancelled' : 'not filled'}: position abandoned`);
        return;
      case 'position.exitIncomplete':
        log
          .child({ pair: e.pair, positionId: e.positionId })
          .warn({ remaining: e.remaining, status: e.status }, 'exit settled with a remainder: position open again');
        return;
      case 'position.exitBlocked':
        log
          .child({ pair: e.pair, positionId: e.positionId })
          .error({ remaining: e.remaining, refusals: e.refusals, reason: e.reason }, 'exits refused by the venue: position blocked');
        return;
      case 'position.fillAnomaly':
        log.child({ pair: e.pair, positionId: e.positionId, clOrdId: e.fill.clOrdId }).error({ kind: e.kind, booked: e.bookedQuantity }, e.detail);
        return;
      case 'breaker.tripped':
        log
          .child({ actor: 'breaker' })
          .warn({ reason: e.reason, resumeAt: e.resumeAt, consecutiveLosses: e.consecutiveLosses }, 'breaker halted: no new entries');
        return;
      case 'breaker.reduced':
        log.child({ actor: 'breaker' }).warn({ reason: e.reason }, 'breaker reducing: entries at half size');
        return;
      case 'breaker.resumed':
        log.child({ actor: 'breaker' }).info({ from: e.from, by: e.by }, 'breaker active again');
        return;
      case 'breaker.resumeRefused':
        log.child({ actor: 'breaker' }).warn({ reason: e.reason, by: e.by }, 'breaker resume refused: a hard limit still holds');
        return;
      case 'balances.reconciled':
        if (e.mismatches.length === 0) log.child({ actor: 'reconcile' }).info('venue balances agree with the ledger');
        else log.child({ actor: 'reconcile' }).error({ mismatches: e.mismatches }, 'venue balances differ from the ledger');
        return;
      case 'feed.line': {
        const line = log.child({ actor: `connection.${e.endpoint}`, health: e.health.code });
        const reason = e.reason ? { code: e.reason.code, retryable: e.reason.retryable, reason: e.reason.message } : {};
        const effect = e.endpoint === 'public' ? 'no new entries until it is back' : 'fills are recovered by cl_ord_id when it is back';
        if (e.up) line.info(`${e.endpoint} feed live`);
        // Also announced while already down, when its reconnects give up: a line of its own, not "down" again.
        else if (e.health.code === 'feed.gave_up') line.warn(reason, `${e.endpoint} feed gave up its reconnects and is restarted after a backoff; ${effect}`);
        else line.warn(reason, `${e.endpoint} feed down: ${effect}`);
        return;
      }
      case 'supervisor.alert':
        log.warn({ at: e.at, ...(e.error ? { code: e.error.code, retryable: e.error.retryable } : {}) }, e.message);
        return;
      default:
        return;
    }
  };
}
