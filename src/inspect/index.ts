/** The `--inspect` endpoint as `brain run` and `brain demo` open it (server.ts has the details). */
import type { Logger } from 'pino';
import { startInspector, type InspectorEndpoint } from './server.ts';

export { isAllowedRequest, startInspector, type InspectorEndpoint, type InspectorStats } from './server.ts';
export { isReadableActorId } from './naming.ts';

/** `brain run --inspect` without a port. */
export const DEFAULT_INSPECT_PORT = 8080;

/**
 * Starts the endpoint and says where to point a browser; a port that cannot be bound is an error in the
 * log and the daemon runs on without it (the inspector is for watching, never a reason not to trade).
 */
export async function openInspector(o: {
  port: number;
  secrets: readonly string[];
  now: () => number;
  log: Logger;
  print?: (line: string) => void;
}): Promise<InspectorEndpoint | null> {
  try {
    const inspector = await startInspector({ port: o.port, secrets: o.secrets, now: o.now, log: o.log });
    o.log.info(
      { url: inspector.url, tree: inspector.treeUrl, ws: inspector.wsUrl },
      `inspector listening on loopback: open ${inspector.url} (offline tree: ${inspector.treeUrl})`,
    );
    o.print?.(`inspector: open ${inspector.url} (the Stately inspector) or ${inspector.treeUrl} (offline tree); clients connect to ${inspector.wsUrl}`);
    return inspector;
  } catch (err) {
    o.log.error({ err, port: o.port }, `inspector not started: cannot listen on 127.0.0.1:${o.port}; pick another port (--inspect PORT)`);
    return null;
  }
}
