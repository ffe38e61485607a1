/**
 * The HTTP side of the health endpoint: node:http on 127.0.0.1 only (the endpoint has no auth, so it is
 * never reachable from outside the host; a reverse proxy or an SSH tunnel exposes it on purpose), GET
 * and HEAD on three paths. The handlers decide the answers; this file only speaks HTTP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthAnswer {
  readonly code: number;
  readonly contentType: string;
  readonly body: string;
}

export type HealthRoutes = Record<'/livez' | '/readyz' | '/metrics', () => HealthAnswer | Promise<HealthAnswer>>;

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export const json = (code: number, value: unknown): HealthAnswer => ({
  code,
  contentType: 'application/json; charset=utf-8',
  body: `${JSON.stringify(value)}\n`,
});

async function answer(routes: HealthRoutes, req: IncomingMessage): Promise<HealthAnswer> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: `method ${req.method} not allowed: use GET` });
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const route = (routes as Record<string, HealthRoutes[keyof HealthRoutes]>)[path];
  if (!route) return json(404, { error: `no such path ${path}`, paths: Object.keys(routes) });
  return route();
}

function reply(res: ServerResponse, a: HealthAnswer, head: boolean): void {
  res.writeHead(a.code, { 'content-type': a.contentType, 'cache-control': 'no-store' });
  res.end(head ? undefined : a.body);
}

/** Listens on 127.0.0.1:`port` (0 = any free port, for tests). Rejects when the port cannot be bound. */
export function startHealthServer(port: number, routes: HealthRoutes): Promise<HealthServer> {
  const server = createServer((req, res) => {
    answer(routes, req).then(
      (a) => reply(res, a, req.method === 'HEAD'),
      (err: unknown) => reply(res, json(500, { error: err instanceof Error ? err.message : String(err) }), false),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
