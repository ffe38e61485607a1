/**
 * The daemon's local control channel: a Unix domain socket (mode 0600, under data/, never TCP) on which
 * the `brain` CLI asks the running daemon to run one operation, exactly as Telegram does (execute()).
 * Opened only while the daemon holds the single-instance lock, so a leftover socket file from a killed
 * daemon is ours to replace. One request and one answer per connection.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { AuditEntry } from '../../db/index.ts';
import { execute } from '../execute.ts';
import type { ControlDeps } from '../operation.ts';
import { MAX_REQUEST_BYTES, PROTOCOL_VERSION, RequestSchema, toWire, type ControlResponse } from './protocol.ts';
import { ConfigError } from '../../config/errors.ts';

/** sun_path holds 108 bytes on Linux (104 on macOS): a longer path cannot be bound. */
const MAX_SOCKET_PATH = 100;

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  path: string;
  deps: ControlDeps;
  log: Logger;
  audit: (entry: AuditEntry) => void;
}

function answer(socket: Socket, response: ControlResponse): void {
  socket.end(`${JSON.stringify(response)}\n`);
}

async function handle(o: ControlServerOptions, socket: Socket, line: string): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return answer(socket, { v: PROTOCOL_VERSION, kind: 'error', message: 'the request is not JSON; use the brain CLI' });
  }
  const req = RequestSchema.safeParse(json);
  if (!req.success)
    return answer(socket, {
      v: PROTOCOL_VERSION,
      kind: 'error',
      message: `bad request: ${req.error.issues[0]?.message ?? 'invalid'} (a brain CLI of another version?)`,
    });
  const { name, words, user, confirmed } = req.data;
  // Only this OS user can open a 0600 socket, and that user can also run the daemon: the admin role.
  const e = await execute(
    o.deps,
    { name, words, confirmed, caller: { who: `cli:${user}`, role: 'admin' } },
    { audit: o.audit, log: o.log, prefix: 'brain ctl ' },
  );
  answer(socket, toWire(e));
}

function serve(o: ControlServerOptions, socket: Socket): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.setTimeout(30_000, () => socket.destroy());
  socket.on('error', (err) => o.log.debug({ err }, 'control connection failed'));
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_REQUEST_BYTES)
      return answer(socket, { v: PROTOCOL_VERSION, kind: 'error', message: `request longer than ${MAX_REQUEST_BYTES} bytes` });
    const end = buffer.indexOf('\n');
    if (end < 0) return;
    socket.pause();
    handle(o, socket, buffer.slice(0, end)).catch((err: unknown) => {
      o.log.error({ err }, 'control request failed');
      answer(socket, { v: PROTOCOL_VERSION, kind: 'error', message: err instanceof Error ? err.message : String(err) });
    });
  });
}

export async function startControlServer(o: ControlServerOptions): Promise<ControlServer> {
  if (Buffer.byteLength(o.path) > MAX_SOCKET_PATH) {
    throw new ConfigError([
      `control.socketPath is longer than ${MAX_SOCKET_PATH} bytes, which a Unix socket cannot bind, got ${JSON.stringify(o.path)}; use a shorter path (e.g. data/brain.sock)`,
    ]);
  }
  // We hold the single-instance lock: a socket file here is a leftover of a daemon that died.
  mkdirSync(dirname(o.path), { recursive: true });
  rmSync(o.path, { force: true });
  const server: Server = createServer((socket) => serve(o, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The socket is created 0600 (umask applies to bind), then chmod'ed again in case the OS ignores it.
    const umask = process.umask(0o177);
    try {
      server.listen(o.path, () => resolve());
    } finally {
      process.umask(umask);
    }
  });
  chmodSync(o.path, 0o600);
  o.log.info({ path: o.path }, 'control socket listening');
  return {
    path: o.path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(o.path, { force: true });
      }),
  };
}
