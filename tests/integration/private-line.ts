/**
 * The private executions line as the supervisor runs it, for tests of the account watch without a whole
 * supervisor: the real connection machine and session against the simulator, its reports taken through
 * the supervisor's own plan (machines/supervisor-feed.ts): executions become venue.fill / venue.orderUpdate,
 * and the line coming up asks the watch for a sweep.
 */
import pino from 'pino';
import { createActor } from 'xstate';
import { connectionActors } from '../../actors/connection.actors.ts';
import { accountWatch, type AccountWatchDeps } from '../../actors/supervisor/account-watch.ts';
import { connectionMachine, reportOf } from '../../machines/connection.machine.ts';
import { feedPlan, initialFeed, isFeedReport } from '../../machines/supervisor-feed.ts';
import type { SupervisorEvent, VenueWatchCommand } from '../../machines/supervisor.machine.ts';
import { systemClock } from '../../src/clock/clock.ts';
import type { Repositories } from '../../src/db/index.ts';
import { LiveVenue } from '../../src/venues/live.ts';
import type { Harness } from './kraken-harness.ts';

export interface PrivateLine {
  /** The line has been up at least once. */
  wasUp(): boolean;
  stop(): void;
}

export function startPrivateLine(h: Harness, deliver: { event(e: SupervisorEvent): void; command(c: VenueWatchCommand): void }): PrivateLine {
  let feed = initialFeed({ mode: 'live' }, h.sim.pairs as never);
  let up = false;
  const machine = connectionMachine.provide({
    actors: connectionActors({ urls: { public: h.sim.wsPublicUrl, private: h.sim.wsPrivateUrl }, client: h.client, clock: systemClock }),
  });
  const line = createActor(machine, { input: { endpoint: 'private', subscriptions: [{ channel: 'executions' }] }, clock: systemClock });
  line.on('*', (e) => {
    const report = reportOf(e);
    if (report.type === 'connection.up') up = true;
    const plan = isFeedReport(report) ? feedPlan(feed, '5m', report) : null;
    if (!plan) return;
    feed = plan.feed;
    for (const r of plan.raise) deliver.event(r as SupervisorEvent);
    for (const t of plan.to) if (t.id === 'venueWatch') deliver.command(t.event as VenueWatchCommand);
  });
  line.start();
  line.send({ type: 'connection.start' });
  return { wasUp: () => up, stop: () => line.stop() };
}

/**
 * The live account as the supervisor hears it: the account watch (sweeps, balance checks) and the private
 * line, their events collected. `until` drives the simulator's clock while it waits (the watch's REST
 * calls run on it); `settled` waits for both start-up sweeps (at start, and the one the line's first
 * connection.up asks for: the line runs on real time, so its sweep could otherwise land in a test's quiet window).
 */
export function watchAccount(h: Harness, repos: Repositories, opts: Pick<AccountWatchDeps, 'balanceRetryMs' | 'maxDeferrals'> = {}) {
  const venue = new LiveVenue({ client: h.client, orders: h.orders });
  const events: SupervisorEvent[] = [];
  const waiters: Array<() => void> = [];
  let command: ((cmd: VenueWatchCommand) => void) | undefined;
  const deliver = (e: SupervisorEvent) => {
    events.push(e);
    for (const w of waiters.splice(0)) w();
  };
  const stopWatch = accountWatch({ client: h.client, venue, repos, clock: h.sim.clock, log: pino({ level: 'silent' }), ...opts })(
    deliver,
    (listener) => (command = listener),
  );
  const line = startPrivateLine(h, { event: deliver, command: (c) => command?.(c) });
  const until = async (done: () => boolean) => {
    while (!done()) await h.drive(new Promise<void>((resolve) => waiters.push(resolve)));
  };
  return {
    venue,
    events,
    until,
    settled: () => until(() => line.wasUp() && events.filter((e) => e.type === 'venue.balances').length >= 2),
    check: () => command!({ type: 'venue.checkBalances' }),
    stop: () => {
      line.stop();
      stopWatch();
    },
  };
}
