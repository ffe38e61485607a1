/**
 * Real actors for machines/connection.machine.ts: a WS v2 feed session per attempt (private endpoint:
 * fresh token per connection) and, while the private line is live, the dead man's switch re-armed
 * every 15–30 s. Wire with `connectionMachine.provide({ actors: connectionActors(deps) })`.
 */
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { Clock } from '../src/clock/clock.ts';
import type { KrakenClient } from '../src/kraken/client.ts';
import { DeadManSwitch } from '../src/kraken/dms.ts';
import { OrderApi } from '../src/kraken/orders.ts';
import { FeedSession, type FeedListener } from '../src/kraken/session.ts';
import type { ConnectionEvent, Endpoint, SessionCommand, SessionInput } from '../machines/connection.machine.ts';

export interface ConnectionActorDeps {
  urls: { public: string; private: string };
  /** Has its pair table loaded; supplies WS tokens and the dead man's switch call. */
  client: KrakenClient;
  clock: Clock;
  logger?: Logger;
  /** Arm CancelAllOrdersAfter while the private line is live (live trading only). */
  deadManSwitch?: false | { intervalMs?: number; timeoutSec?: number };
  ws?: { pingIdleMs?: number; requestTimeoutMs?: number };
}

export function connectionActors(deps: ConnectionActorDeps) {
  return {
    runSession: fromCallback<SessionCommand, SessionInput>(({ input, sendBack, receive }) => {
      const session = new FeedSession({
        url: input.endpoint === 'private' ? deps.urls.private : deps.urls.public,
        clock: deps.clock,
        table: deps.client.pairs,
        subscriptions: input.subscriptions,
        ...(input.endpoint === 'private' ? { token: () => deps.client.wsToken() } : {}),
        listener: listenerFor(sendBack),
        ...deps.ws,
      });
      void session.start();
      receive((cmd) => {
        if (cmd.type === 'session.subscribe') void session.subscribeAll();
        else if (cmd.type === 'session.resubscribeBook') void session.resubscribeBook(cmd.pair);
        else session.ping();
      });
      return () => session.stop();
    }),
    whileLive: fromCallback<EventObject, { endpoint: Endpoint }>(({ input }) => {
      if (input.endpoint !== 'private' || !deps.deadManSwitch) return undefined;
      const orders = new OrderApi(deps.client, deps.clock);
      const dms = new DeadManSwitch({
        arm: (timeoutSec) => orders.cancelAllAfter(timeoutSec),
        clock: deps.clock,
        ...deps.deadManSwitch,
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
      void dms.start();
      return () => void dms.stop();
    }),
  };
}

function listenerFor(sendBack: (e: ConnectionEvent) => void): FeedListener {
  return {
    opened: () => sendBack({ type: 'ws.opened' }),
    subscribed: () => sendBack({ type: 'ws.subscribed' }),
    failed: (error) => sendBack({ type: 'ws.failed', error }),
    closed: (code, reason) => sendBack({ type: 'ws.closed', code, reason }),
    alive: () => sendBack({ type: 'ws.alive' }),
    status: (system) => sendBack({ type: 'ws.status', system }),
    feed: (event) => sendBack({ type: 'ws.feed', event }),
    bookMismatch: (pair) => sendBack({ type: 'ws.bookMismatch', pair }),
  };
}
