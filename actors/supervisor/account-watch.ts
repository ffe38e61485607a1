/**
 * The live account as the supervisor hears it besides the private line (venueWatch in live mode). The
 * executions channel (the supervisor's child connection.private) loses whatever is published while it is
 * down, so a sweep runs at start and whenever the supervisor says the line is back (`venue.sweep`, issue
 * 12): every order not known final or not covered by its booked fills is asked of the venue by cl_ord_id
 * (recovery.ts), then the venue's spot balances go to the supervisor, which reconciles them with its
 * ledger. The balance check waits until no order is in flight (live in the orders table, or executed
 * beyond its booked fills), so an order in flight is not taken for a mismatch; when it has waited
 * `maxDeferrals` times it asks the venue for those orders first (their fills are booked before the
 * balances arrive), then compares.
 */
import type { Logger } from 'pino';
import type { VenueWatch } from '../supervisor.actors.ts';
import type { SupervisorEvent } from '../../machines/supervisor.machine.ts';
import type { Clock } from '../../src/clock/clock.ts';
import type { Repositories } from '../../src/db/index.ts';
import type { KrakenClient } from '../../src/kraken/client.ts';
import type { Venue } from '../../src/trading/venue.ts';
import { recoverFills } from './recovery.ts';

export interface AccountWatchDeps {
  client: KrakenClient;
  venue: Venue;
  repos: Repositories;
  /** The daemon's clock: row times and the wait before a deferred balance check. */
  clock: Clock;
  log: Logger;
  /** Daemon time between attempts while an order is live (default 60 s). */
  balanceRetryMs?: number;
  /** Attempts deferred by live orders before the balances are compared anyway (default 10). */
  maxDeferrals?: number;
}

/** Runs `task` one at a time; a request while it runs makes it run once more afterwards. */
function serialized(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void task().finally(() => {
      running = false;
      if (again) {
        again = false;
        run();
      }
    });
  };
  return run;
}

export function accountWatch(deps: AccountWatchDeps): VenueWatch {
  const { clock, log } = deps;
  const retryMs = deps.balanceRetryMs ?? 60_000;
  const maxDeferrals = deps.maxDeferrals ?? 10;
  return (send, onCommand) => {
    let stopped = false;
    let timer: unknown = null;
    let deferrals = 0;
    const emit = (e: SupervisorEvent) => {
      if (!stopped) send(e);
    };
    // In flight: live at the venue, or executed beyond the fills booked for it (its fills are still to come).
    const inFlight = () => new Set([...deps.repos.orders.open(), ...deps.repos.orders.uncovered()].map((o) => o.clOrdId));

    const recover = async (): Promise<void> => {
      const report = await recoverFills({ repos: deps.repos, venue: deps.venue, now: () => clock.now(), log }, (fill, order) =>
        emit({ type: 'venue.fill', fill, order }),
      );
      log.info(report, 'orders and fills reconciled with the venue');
    };
    const checkBalances = async (): Promise<void> => {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      const waited = deferrals >= maxDeferrals;
      // Still in flight after every deferral: a fill the executions feed missed would read as a mismatch,
      // so the venue is asked for those orders first and what it executed is booked before the balances.
      if (waited && inFlight().size > 0) await recover();
      const asked = inFlight();
      if (waited || asked.size === 0) {
        const spot = (await deps.client.balances()).spot;
        // An order may have started while the balances were read: they may show it, the ledger not yet.
        if ([...inFlight()].every((id) => waited && asked.has(id))) {
          deferrals = 0;
          emit({ type: 'venue.balances', balances: Object.fromEntries(Object.entries(spot).map(([asset, b]) => [asset, b.total])), at: clock.now() });
          return;
        }
      }
      deferrals += 1;
      timer = clock.setTimeout(() => requestBalances(), retryMs);
    };
    const sweep = async (): Promise<void> => {
      await recover();
      await checkBalances();
    };
    const guarded = (what: string, task: () => Promise<void>) => async () => {
      if (stopped) return;
      try {
        await task();
      } catch (err) {
        log.warn({ err }, `${what} failed; tried again at the next reconnect or request`);
      }
    };
    const requestSweep = serialized(guarded('account sweep', sweep));
    const requestBalances = serialized(guarded('balance check', checkBalances));

    onCommand((cmd) => {
      if (cmd.type === 'venue.checkBalances') requestBalances();
      else if (cmd.type === 'venue.sweep') requestSweep();
    });
    requestSweep();
    return () => {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
    };
  };
}
