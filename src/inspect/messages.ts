/**
 * The daemon's inspection stream in the Stately inspector's own format (what @statelyai/inspect's
 * WebSocket inspector sends: `@xstate.actor` / `@xstate.event` / `@xstate.snapshot` objects with a string
 * `_version`, sessionId, parentId and rootId), as JSON text. Nothing secret leaves (inv. 7): properties
 * named like a credential are censored by the logger's key list, and the configured secret values are
 * scrubbed from the finished text by the logger's own scrubber, so an error message or a URL carrying a
 * key is caught too. Functions become `{ type: name }` and cycles are cut, as the package does.
 * The messages are typed by the package's own StatelyInspectionEvent, so a format change in a new release
 * fails the build. Its createInspector is not used for the conversion: it converts each event in a timer
 * of its own with no bound on how many wait, stamps them with the wall clock rather than the daemon's, and
 * an exception thrown there (a getter in a context) would be uncaught and stop the trading process; here
 * the server converts in bounded batches and drops what fails (server.ts).
 */
import type { StatelyActorEvent, StatelyEventEvent, StatelyInspectionEvent, StatelySnapshotEvent } from '@statelyai/inspect';
import { configure } from 'safe-stable-stringify';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { REDACTED, SECRET_KEYS, secretScrubber } from '../log/index.ts';

/** The inspector UI only checks that `_version` is a string; this is the @statelyai/inspect release whose format is followed. */
const STATELY_FORMAT_VERSION = '0.7.2';
const DEPTH_LIMIT = 10;

export interface MessageFormat {
  /** One inspection event as a message; null for the kinds the viewer does not take (microsteps, actions). */
  fromInspection(e: InspectionEvent): string | null;
  /** An actor as it is now (a viewer that connects late is shown the live tree this way). */
  actor(ref: AnyActorRef): string;
}

/** The package's event with its `id` as its own converter sends it (null), though its type says string. */
type Message<E extends StatelyInspectionEvent> = Omit<E, 'id'> & { id: string | null };

export function messageFormat(secrets: readonly string[], now: () => number): MessageFormat {
  const scrub = secretScrubber(secrets) ?? ((text: string) => text);
  const censored = new Set<string>(SECRET_KEYS);
  const stringify = configure({ maximumDepth: DEPTH_LIMIT, circularValue: '[Circular]' });
  const replacer = (key: string, value: unknown): unknown => {
    if (censored.has(key)) return REDACTED;
    return typeof value === 'function' ? { type: (value as { name?: string }).name ?? 'function' } : value;
  };
  const text = <E extends StatelyInspectionEvent>(message: Message<E>): string => scrub(stringify(message, replacer) ?? 'null');
  const base = () => ({ _version: STATELY_FORMAT_VERSION, createdAt: String(now()), id: null });
  const actor = (ref: AnyActorRef, rootId: string | undefined): string => {
    const config = (ref as { logic?: { config?: unknown } }).logic?.config;
    return text<StatelyActorEvent>({
      type: '@xstate.actor',
      name: ref.id,
      sessionId: ref.sessionId,
      parentId: ref._parent?.sessionId,
      rootId,
      definition: stringify(typeof config === 'object' ? config : { id: ref.id }, replacer),
      snapshot: ref.getSnapshot(),
      ...base(),
    });
  };
  return {
    fromInspection: (e) => {
      switch (e.type) {
        case '@xstate.actor':
          return actor(e.actorRef as AnyActorRef, e.rootId);
        case '@xstate.event':
          return text<StatelyEventEvent>({
            type: '@xstate.event',
            event: e.event,
            sourceId: e.sourceRef?.sessionId,
            sessionId: e.actorRef.sessionId,
            rootId: e.rootId,
            ...base(),
          });
        case '@xstate.snapshot':
          return text<StatelySnapshotEvent>({
            type: '@xstate.snapshot',
            event: e.event,
            snapshot: e.snapshot,
            sessionId: e.actorRef.sessionId,
            rootId: e.rootId,
            ...base(),
          });
        default:
          return null;
      }
    },
    actor: (ref) => actor(ref, rootOf(ref).sessionId),
  };
}

function rootOf(ref: AnyActorRef): AnyActorRef {
  let r = ref;
  while (r._parent) r = r._parent;
  return r;
}
