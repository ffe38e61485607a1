/**
 * Real actors for machines/supervisor.machine.ts. Each is a thin translation to one function of the
 * daemon (src/daemon): the store's lifecycle, boot reconciliation, the venue's account watch, the journal,
 * order cancels, chores and candle back-fills. The connection children are machines, provided beside these.
 * Wire with `supervisorMachine.provide({ actors: { ...supervisorActors(deps), position, breaker, scanner, connection } })`.
 */
import type { Logger } from 'pino';
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import type { BootState, Chore, ChoreEvent, JournalCommand, SupervisorEvent, VenueWatchCommand } from '../machines/supervisor.machine.ts';
import type { BackfillEvent, BackfillRequest } from '../machines/supervisor-feed.ts';
import type { Candle } from '../src/contract/index.ts';
import type { Clock } from '../src/clock/clock.ts';
import type { ScheduleJob } from '../src/scheduler/jobs.ts';
import { schedulerActors } from './scheduler.actors.ts';
import { toErrorInfo } from '../src/contract/errors.ts';
import { VenueError } from '../src/trading/venue.ts';

/** A source of supervisor events (feed, fills): starts on call, returns its stop. */

/** The venue's account as an event source that also takes the supervisor's requests (a balance check). */
export type VenueWatch = (send: (e: SupervisorEvent) => void, onCommand: (listener: (cmd: VenueWatchCommand) => void) => void) => () => void;

export interface SupervisorActorDeps {
  openStore: () => Promise<void>;
  reconcile: () => Promise<BootState>;
  /** Live: the account watch (recovery sweeps, balances); paper: the paper venue (its fills, and the prices it fills on). */
  fills: VenueWatch;
  /** A pair's candle hole filled by REST into the store; the stored candles of [from, to), oldest first. */
  backfill: (req: BackfillRequest) => Promise<Candle[]>;
  journal: (cmd: JournalCommand) => void;
  cancelOrder: (clOrdId: string) => Promise<unknown>;
  closeStore: () => Promise<void>;
  /** The timetable (`brain run`: scheduleFromConfig without the scan slot); empty = no slots (replays, tests). */
  jobs: readonly ScheduleJob[];
  clock: Clock;
  /** Runs one housekeeping job; refreshed fees come back for the risk gate. */
  chore: (chore: Chore, now: number) => Promise<Omit<Extract<ChoreEvent, { type: 'chore.done' }>, 'type' | 'chore'>>;
  log: Logger;
}

export function supervisorActors(deps: SupervisorActorDeps) {
  return {
    openStore: fromPromise<void, void>(() => deps.openStore()),
    reconcile: fromPromise<BootState, void>(() => deps.reconcile()),
    venueWatch: fromCallback<VenueWatchCommand, void>(({ sendBack, receive }) => {
      deps.log.debug({ actor: 'venueWatch' }, 'started');
      return deps.fills(
        (e) => sendBack(e),
        (listener) => receive(listener),
      );
    }),
    journal: fromCallback<JournalCommand, void>(({ receive }) => {
      receive((cmd) => {
        try {
          deps.journal(cmd);
        } catch (err) {
          // A journal row lost is logged, never a reason to stop trading: fills are also in the position rows.
          deps.log.error({ err, cmd: cmd.type }, 'journal write failed');
        }
      });
    }),
    cancelOrders: fromPromise<void, { clOrdIds: string[] }>(async ({ input }) => {
      const results = await Promise.allSettled(input.clOrdIds.map((id) => deps.cancelOrder(id)));
      const failed = results.filter((r) => r.status === 'rejected').length;
      // Cancels can be asked again: the positions reconcile each one by cl_ord_id.
      if (failed > 0)
        throw new VenueError('unavailable', `${failed} of ${input.clOrdIds.length} cancels failed; the positions reconcile them by cl_ord_id`, true);
    }),
    closeStore: fromPromise<void, void>(() => deps.closeStore()),
    scheduler: schedulerActors({ clock: deps.clock, jobs: deps.jobs, logger: deps.log }).runScheduler,
    runChore: fromCallback<EventObject, { chore: Chore; now: number }>(({ input, sendBack }) => {
      deps.chore(input.chore, input.now).then(
        (done) => sendBack({ type: 'chore.done', chore: input.chore, ...done } satisfies ChoreEvent),
        (err: unknown) => {
          deps.log.warn({ err, chore: input.chore }, 'chore failed; the next slot tries again');
          sendBack({ type: 'chore.failed', chore: input.chore, error: toErrorInfo(err) } satisfies ChoreEvent);
        },
      );
    }),
    backfillCandles: fromCallback<EventObject, BackfillRequest>(({ input, sendBack }) => {
      const { pair, from, to } = input;
      deps.backfill(input).then(
        (candles) => sendBack({ type: 'market.candles.backfilled', pair, from, to, candles } satisfies BackfillEvent),
        (err: unknown) => {
          deps.log.warn({ err, pair, from, to }, 'candle back-fill failed');
          sendBack({ type: 'market.candles.backfillFailed', pair, from, to, error: toErrorInfo(err) } satisfies BackfillEvent);
        },
      );
    }),
  };
}
