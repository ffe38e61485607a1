/**
 * The V8 heap settings `brain run` applies to itself, so every install has them however it is started
 * (systemd, Docker, by hand) and `npm run bench -- footprint` measures exactly what runs in production.
 *
 * V8 lets the old generation grow to up to 4× what its last full collection kept before it collects again
 * (the factor rises with the machine's memory): with ~35 MB live, the daemon's heap sat at 150–200 MB of
 * mostly garbage under load. A 20 % growth factor keeps it near the live size, for more frequent full
 * collections of a small heap (tens of ms each, well off a 5-minute candle's budget). NODE_OPTIONS cannot
 * carry this flag (Node refuses it there), and V8 reads it at each collection, so setting it at start is
 * enough. The young generation's size is fixed when the heap is created, so that one stays in the deploy
 * files' NODE_OPTIONS (--max-semi-space-size=2; docs/operations.md "Memory").
 */
import { setFlagsFromString } from 'node:v8';

export const DAEMON_V8_FLAGS = ['--heap-growing-percent=20'] as const;

export function tuneHeap(): void {
  for (const flag of DAEMON_V8_FLAGS) setFlagsFromString(flag);
}
