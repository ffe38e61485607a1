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
import { connectionMachine, type ConnectionEmitted } from '../../machines/connection.machine.ts';
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

export function publicFeed(deps: PublicFeedDeps): EventSource {
  return (send) => {
    const machine = connectionMachine.provide({
      actors: connectionActors({ urls: { public: deps.url, private: deps.url }, client: deps.client, clock: systemClock, logger: deps.log, deadManSwitch: false }),
    });
    const conn = createActor(machine, {
      input: { endpoint: 'public', subscriptions: [{ channel: 'ohlc', pairs: deps.pairs, timeframe: deps.timeframe }] },
      clock: systemClock,
    });
    conn.on('*', (e: ConnectionEmitted) => {
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
    conn.subscribe({ error: (err) => deps.log.error({ err }, 'public feed actor failed') });
    conn.start();
    conn.send({ type: 'connection.start' });
    return () => conn.stop();
  };
}
