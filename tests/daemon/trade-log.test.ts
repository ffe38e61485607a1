/**
 * The daemon's log of a feed line: its going down and coming back, and, when the line was already
 * down, its reconnects giving up, which the supervisor also announces (feed.line with feed.gave_up):
 * a line of its own there, not the "down" warning a second time.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { SupervisorEmitted } from '../../machines/supervisor-types.ts';
import { tradeLog } from '../../src/daemon/trade-log.ts';

const closed = { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true };
const line = (up: boolean, health: string, reason: typeof closed | null): SupervisorEmitted =>
  ({ type: 'feed.line', endpoint: 'public', up, reason, health: { code: health, message: health }, at: 0 }) as SupervisorEmitted;

describe('the log of a feed line', () => {
  it('warns once that it is down, says when it gave up in other words, and that it is live again', () => {
    const logged: Array<Record<string, unknown>> = [];
    const log = tradeLog(pino({ level: 'info' }, { write: (l: string) => void logged.push(JSON.parse(l) as Record<string, unknown>) }));
    for (const e of [line(false, 'feed.disconnected', closed), line(false, 'feed.gave_up', closed), line(true, 'feed.resubscribed', null)]) log(e);
    expect(logged.map((l) => [l.level, l.health, l.msg])).toEqual([
      [40, 'feed.disconnected', 'public feed down: no new entries until it is back'],
      [40, 'feed.gave_up', 'public feed gave up its reconnects and is restarted after a backoff; no new entries until it is back'],
      [30, 'feed.resubscribed', 'public feed live'],
    ]);
    expect(logged[1]).toMatchObject({ code: 'kraken.ws_closed', retryable: true, reason: 'socket closed (1006)' });
  });
});
