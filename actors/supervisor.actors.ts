/**
 * Real actors for machines/supervisor.machine.ts. Each is a thin translation to one function of the
 * daemon (src/daemon): the store's lifecycle, boot reconciliation, the market feed, the venue's fill push,
 * the journal and order cancels. Wire with `supervisorMachine.provide({ actors: { ...supervisorActors(deps), position, breaker, scanner } })`.
 */
import type { Logger } from 'pino';
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import type { BootState, JournalCommand, SupervisorEvent } from '../machines/supervisor.machine.ts';

/** A source of supervisor events (feed, fills): starts on call, returns its stop. */
export type EventSource = (send: (e: SupervisorEvent) => void) => () => void;

export interface SupervisorActorDeps {
  openStore: () => Promise<void>;
  reconcile: () => Promise<BootState>;
  feed: EventSource;
  fills: EventSource;
  journal: (cmd: JournalCommand) => void;
  cancelOrder: (clOrdId: string) => Promise<unknown>;
  closeStore: () => Promise<void>;
  log: Logger;
}

export function supervisorActors(deps: SupervisorActorDeps) {
  const source = (name: string, start: EventSource) =>
    fromCallback<EventObject, void>(({ sendBack }) => {
      deps.log.debug({ actor: name }, 'started');
      return start((e) => sendBack(e));
    });
  return {
    openStore: fromPromise<void, void>(() => deps.openStore()),
    reconcile: fromPromise<BootState, void>(() => deps.reconcile()),
    feed: source('feed', deps.feed),
    venueWatch: source('venueWatch', deps.fills),
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
      if (failed > 0) throw new Error(`${failed} of ${input.clOrdIds.length} cancels failed; the positions reconcile them by cl_ord_id`);
    }),
    closeStore: fromPromise<void, void>(() => deps.closeStore()),
  };
}
