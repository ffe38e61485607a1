/**
 * A fetch for the REST client that counts the calls in flight. Drivers of simulated time (the daemon's
 * replay, the integration harness) advance the clock only while nothing is in flight, so a timeout on
 * that clock never fires while a loopback reply is still on its way.
 */
import { EventEmitter } from 'node:events';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A fetch that counts the REST calls in flight (body read inside the count: a timeout must not fire mid-body). */
export function countingFetch(): { fetch: typeof globalThis.fetch; quiet: () => Promise<void>; inflight: () => number } {
  let inflight = 0;
  const idle = new EventEmitter();
  const counted: typeof globalThis.fetch = async (input, init) => {
    inflight += 1;
    try {
      const res = await fetch(input, init);
      const text = await res.text();
      return new Response(text, { status: res.status, headers: res.headers });
    } finally {
      inflight -= 1;
      if (inflight === 0) idle.emit('idle');
    }
  };
  /** Resolves once no call is in flight across a turn of the event loop (a call's follow-up starts in its continuation). */
  const quiet = async () => {
    await tick();
    while (inflight > 0) {
      await new Promise((resolve) => idle.once('idle', resolve));
      await tick();
    }
  };
  return { fetch: counted, quiet, inflight: () => inflight };
}
