/**
 * The market feed as the supervisor hears it: a connection machine on Kraken's public WS v2 ohlc channel,
 * translated to market.price (every update: its close is the last trade) / market.candle (closed only) /
 * venue.health (inv. 5: a line that is down stops entries). One channel, not ticker + ohlc: both move on
 * every trade, and half the frames is half the parsing. Prices reach the paper venue FIRST, so a paper
 * order fills on the first trade after it was accepted. The connection runs on real time (its heartbeat timers watch the socket, not
 * the market), whatever clock the supervisor uses.
 */
import type { Logger } from 'pino';
import { createActor } from 'xstate';
import { connectionActors } from '../../actors/connection.actors.ts';
import type { EventSource } from '../../actors/supervisor.actors.ts';
import { connectionMachine, type ConnectionEmitted, type ConnectionInput } from '../../machines/connection.machine.ts';
import { systemClock } from '../clock/clock.ts';
import type { Pair, Timeframe } from '../contract/pairs.ts';
import type { KrakenClient } from '../kraken/client.ts';

export interface PublicFeedDeps {
  url: string;
  client: KrakenClient;
  pairs: readonly Pair[];
  timeframe: Timeframe;
  log: Logger;
  /** The paper venue's price input (absent in live mode). */
  onPrice?: (pair: Pair, price: number) => void;
}

/** A connection machine on one endpoint, its emitted events handed to `on`; returns its stop. */
export function runConnection(deps: { urls: { public: string; private: string }; client: KrakenClient; log: Logger }, input: ConnectionInput, on: (e: ConnectionEmitted) => void, deadManSwitch = false): () => void {
  const machine = connectionMachine.provide({
    actors: connectionActors({ urls: deps.urls, client: deps.client, clock: systemClock, logger: deps.log, deadManSwitch: deadManSwitch ? {} : false }),
  });
  const conn = createActor(machine, { input, clock: systemClock });
  conn.on('*', on);
  conn.subscribe({ error: (err) => deps.log.error({ err, endpoint: input.endpoint }, 'feed connection actor failed') });
  conn.start();
  conn.send({ type: 'connection.start' });
  return () => conn.stop();
}

export function publicFeed(deps: PublicFeedDeps): EventSource {
  return (send) =>
    runConnection({ urls: { public: deps.url, private: deps.url }, client: deps.client, log: deps.log }, { endpoint: 'public', subscriptions: [{ channel: 'ohlc', pairs: deps.pairs, timeframe: deps.timeframe }] }, (e) => {
      switch (e.type) {
        case 'market.candle':
          if (e.timeframe !== deps.timeframe) break;
          if (e.closed) {
            send({ type: 'market.candle', pair: e.pair, candle: e.candle });
            break;
          }
          deps.onPrice?.(e.pair, e.candle.close);
          send({ type: 'market.price', pair: e.pair, price: e.candle.close, time: e.candle.time });
          break;
        case 'connection.up':
          send({ type: 'venue.health', healthy: true, reason: 'public feed live' });
          break;
        case 'connection.down':
        case 'connection.failed':
          deps.log.warn({ reason: e.reason }, `public feed ${e.type === 'connection.down' ? 'down' : 'failed'}`);
          send({ type: 'venue.health', healthy: false, reason: e.reason });
          break;
        default:
          break;
      }
    });
}
