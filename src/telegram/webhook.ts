/**
 * Webhook mode: a plain-HTTP listener on 127.0.0.1 (a reverse proxy with TLS stands in front of it, see
 * docs/telegram.md) where grammY's webhookCallback checks X-Telegram-Bot-Api-Secret-Token (a wrong or
 * missing one gets 401 before the body is read, and is logged at most once per 10 minutes) and hands the
 * update to the same middleware as polling, so de-duplication by update_id, the access check and the commands are one code path. Telegram sends
 * an update again when it gets no 2xx in time, so the request must end fast: commands already run
 * beside the update loop (tasks.ts) and only the press of a button answers its callback inline; anything
 * still running at ANSWER_WITHIN_MS is answered 200 and left to finish, because its update id is taken
 * and a re-send would be skipped anyway.
 */
import { createServer, type Server } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import { TokenBucket } from './bucket.ts';
import type { BotContext } from './context.ts';

export const ANSWER_WITHIN_MS = 5_000;
/** A scanner hammering the hook must not fill the log: one warning per window, counting the rest. */
export const REFUSAL_LOG_MS = 10 * 60_000;

export interface WebhookListener {
  /** The port it listens on (the configured one, or the one the OS chose for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` for POSTs to `path`; rejects when the port cannot be bound. */
export async function listenForUpdates(
  bot: Bot<BotContext>,
  o: { path: string; port: number; secret: string; log: Logger; clock: Clock },
): Promise<WebhookListener> {
  const handle = webhookCallback(bot, 'http', { secretToken: o.secret, onTimeout: 'return', timeoutMilliseconds: ANSWER_WITHIN_MS });
  const refusalLog = new TokenBucket(1, 1000 / REFUSAL_LOG_MS, o.clock);
  let unlogged = 0;
  const refused = (from: string | undefined, path: string): void => {
    if (!refusalLog.take()) return void (unlogged += 1);
    const more = unlogged > 0 ? ` (and ${unlogged} more since the last warning)` : '';
    unlogged = 0;
    o.log.warn({ from, path }, `telegram webhook: a request without the right secret token was refused (401)${more}`);
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'POST' || path !== o.path) {
      res.writeHead(404).end();
      return;
    }
    if (req.headers['x-telegram-bot-api-secret-token'] !== o.secret) refused(req.socket.remoteAddress, path);
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
