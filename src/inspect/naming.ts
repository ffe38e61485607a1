/**
 * Readable actor ids (issue 21): every machine and actor in the inspected tree is named by what it is —
 * `supervisor`, `connection.public`, `scanner-BTC/USD`, a position's id, `breaker`, `orchestratorCycle`,
 * `backfill.ETH/USD`, an invoke's own name (`submitOrder`) — never by the ids XState makes up for an
 * actor given none (`x:3` for a spawn, `0.supervisor.booting.openingStore` for an invoke), which also
 * name its done and error events (`xstate.done.actor.0.…`). Every child a machine spawns or invokes gets
 * an `id`; tests/inspect/naming.test.ts walks a running tree and holds every actor and event to this rule.
 */

/** XState's own ids: `x:<n>` for an unnamed spawn, `<n>.<machine id>.<state path>` for an unnamed invoke. */
const GENERATED = [/^x:\d+$/, /^\d+\./];

export function isReadableActorId(id: string | undefined): boolean {
  return typeof id === 'string' && /^[A-Za-z]/.test(id) && !GENERATED.some((re) => re.test(id));
}

/** The actor id a done/error event names (`xstate.done.actor.<id>`), or null for other events. */
export function actorOfEvent(type: string): string | null {
  const m = /^xstate\.(?:done|error)\.actor\.(.+)$/.exec(type);
  return m ? m[1]! : null;
}
