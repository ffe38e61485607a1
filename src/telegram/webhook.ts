/**
 * Webhook mode: a plain-HTTP listener on 127.0.0.1 (a reverse proxy with TLS stands in front of it, see
 * docs/telegram.md) where grammY's webhookCallback checks X-Telegram-Bot-Api-Secret-Token (a wrong or
 * missing one gets 401 before the body is read) and hands the update to the same middleware as polling,
 * so de-duplication by update_id, the access check and the commands are one code path. Telegram sends
 * an update again when it gets no 2xx in time, so the request must end fast: commands already run
 * beside the update loop (tasks.ts) and only the press of a button answers its callback inline; anything
 * still running at ANSWER_WITHIN_MS is answered 200 and left to finish, because its update id is taken
 * and a re-send would be skipped anyway.
 */
import { createServer, type Server } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from './context.ts';

export const ANSWER_WITHIN_MS = 5_000;

export interface WebhookListener {
  /** The port it listens on (the configured one, or the one the OS chose for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` for POSTs to `path`; rejects when the port cannot be bound. */
export async function listenForUpdates(bot: Bot<BotContext>, o: { path: string; port: number; secret: string; log: Logger }): Promise<WebhookListener> {
  const handle = webhookCallback(bot, 'http', { secretToken: o.secret, onTimeout: 'return', timeoutMilliseconds: ANSWER_WITHIN_MS });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'POST' || path !== o.path) {
      res.writeHead(404).end();
      return;
    }
    if (req.headers['x-telegram-bot-api-secret-token'] !== o.secret)
      o.log.warn({ from: req.socket.remoteAddress, path }, 'telegram webhook: a request without the right secret token was refused (401)');
    handle(req, res).catch((err: unknown) => {
      o.log.warn({ err }, 'telegram webhook: an update could not be read; Telegram will send it again');
      if (!res.headersSent) res.writeHead(400);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => o.log.error({ err }, 'telegram webhook listener failed'));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
