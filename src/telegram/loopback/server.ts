/**
 * A loopback Bot API server for tests and the demo, speaking Telegram's wire protocol so the real grammY
 * client is what gets tested (grammY's `client.apiRoot` points here): POST /bot<token>/<method> with JSON
 * or multipart bodies, `{ ok, result }` or `{ ok: false, error_code, description, parameters }` answers,
 * getUpdates long polling with offsets, and scripted faults — 429 with retry_after, 5xx, a dropped
 * connection, or the whole server down (connection refused) and back on the same port.
 * Why here and not in src/sim: src/sim is the Kraken simulator with its market clock and replay; this fake
 * shares nothing with it and belongs to the concern it stands in for, like the bot code beside it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Update } from 'grammy/types';
import { parseMultipart } from './multipart.ts';
import { BotApiState, BOT_USER, type SentRecord } from './state.ts';
import type { ApiAnswer } from './updates.ts';
import { WebhookDelivery, type Delivery } from './webhook.ts';
import { BrainError } from '../../contract/errors.ts';

export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { drop: true };

export interface FakeBotApiOptions {
  token?: string;
  /** Seconds for message dates (default: wall time). */
  nowSeconds?: () => number;
  /** Webhook mode: how long an answer is waited for (default 10 s) and the pause before a re-send (default 20 ms). */
  webhookTimeoutMs?: number;
  webhookRetryMs?: number;
}

export interface FakeBotApi {
  /** The apiRoot to give grammY (no trailing slash). */
  readonly url: string;
  readonly token: string;
  readonly bot: typeof BOT_USER;
  readonly state: BotApiState;
  /** Every call, in order: method and its decoded payload. */
  readonly calls: Array<{ method: string; payload: Record<string, unknown> }>;
  readonly sent: SentRecord[];
  userSays(userId: number, text: string): Update;
  /** Presses the button with `data` on the bot's message (default: the newest message in that chat). */
  userPresses(userId: number, data: string, messageId?: number, chatId?: number): Update;
  /** The next `times` calls of `method` ('*' = any but getUpdates) fail with `fault`. */
  fail(method: string, fault: Fault, times?: number): void;
  /** Webhook mode: every POST of an update to the bot and how it was answered, in order. */
  readonly deliveries: Delivery[];
  /** Webhook mode: plays the operator's reverse proxy, forwarding the webhook URL's path to 127.0.0.1:`port`; null = the proxy is down. */
  proxyTo(port: number | null): void;
  /** Webhook mode: the bot's next `times` answers are lost on the way back, so Telegram sends the update again. */
  loseWebhookAnswers(times: number): void;
  /** Stops listening (clients get connection refused); `up` listens again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves once `done()` holds, re-checked after every call the server answers. */
  until(done: () => boolean): Promise<void>;
  close(): Promise<void>;
}

function json(res: ServerResponse, answer: ApiAnswer): void {
  const status = answer.ok ? 200 : answer.error_code;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer));
}

async function readPayload(req: IncomingMessage): Promise<{ payload: Record<string, unknown>; files: Map<string, Uint8Array> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data'))
    return { payload: body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}, files: new Map() };
  // grammY sends objects as JSON strings in the form, numbers and booleans as text.
  const payload: Record<string, unknown> = {};
  const files = new Map<string, Uint8Array>();
  for (const part of parseMultipart(body, type)) {
    const value = part.data.toString('utf8');
    if (part.filename !== null) files.set(part.name, new Uint8Array(part.data));
    else
      payload[part.name] = /^[[{]/.test(value)
        ? JSON.parse(value)
        : /^-?\d+$/.test(value)
          ? Number(value)
          : value === 'true'
            ? true
            : value === 'false'
              ? false
              : value;
  }
  return { payload, files };
}

export async function startFakeBotApi(o: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const token = o.token ?? '123456:LOOPBACK-test-token';
  const state = new BotApiState(o.nowSeconds ?? (() => Math.floor(Date.now() / 1000)));
  const calls: FakeBotApi['calls'] = [];
  const faults: Array<{ method: string; fault: Fault; times: number }> = [];
  const watchers = new Set<() => void>();
  const polls = new Set<() => void>();
  const sockets = new Set<Socket>();
  const changed = () => {
    for (const w of [...watchers]) w();
  };
  const webhook = new WebhookDelivery({ state, timeoutMs: o.webhookTimeoutMs ?? 10_000, retryMs: o.webhookRetryMs ?? 20, changed });
  const wake = () => {
    for (const p of [...polls]) p();
    webhook.kick();
  };

  const faultFor = (method: string): Fault | undefined => {
    const f = faults.find((x) => x.times > 0 && (x.method === method || (x.method === '*' && method !== 'getUpdates')));
    if (f) f.times -= 1;
    return f?.fault;
  };

  const getUpdates = (p: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => {
    const offset = p.offset === undefined ? undefined : Number(p.offset);
    const reply = () => json(res, { ok: true, result: state.take(offset, p.limit === undefined ? undefined : Number(p.limit)) });
    const timeout = Number(p.timeout ?? 0);
    if (state.take(offset, 1).length > 0 || timeout <= 0) return reply();
    const finish = () => {
      polls.delete(finish);
      clearTimeout(timer);
      if (!res.writableEnded && !req.socket.destroyed) reply();
    };
    // The long poll ends when an update arrives, at its timeout, or when the client goes away.
    const timer = setTimeout(finish, timeout * 1000);
    polls.add(finish);
    req.socket.once('close', () => {
      polls.delete(finish);
      clearTimeout(timer);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== token) return json(res, { ok: false, error_code: m ? 401 : 404, description: m ? 'Unauthorized' : 'Not Found' });
    const method = m[2]!;
    const { payload, files } = await readPayload(req);
    calls.push({ method, payload });
    const fault = faultFor(method);
    if (fault && 'drop' in fault) return req.socket.destroy();
    if (fault?.status === 429)
      return json(res, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${fault.retryAfter}`,
        parameters: { retry_after: fault.retryAfter },
      });
    if (fault) return json(res, { ok: false, error_code: fault.status, description: 'Internal Server Error' });
    switch (method) {
      case 'getUpdates':
        if (state.webhook)
          return json(res, {
            ok: false,
            error_code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          });
        return getUpdates(payload, req, res);
      case 'setWebhook': {
        const answer = state.setWebhook(payload);
        wake();
        return json(res, answer);
      }
      case 'deleteWebhook':
        return json(res, state.deleteWebhook(payload));
      case 'getWebhookInfo':
        return json(res, state.webhookInfo());
      case 'getMe':
        return json(res, { ok: true, result: BOT_USER });
      case 'setMyCommands':
        state.commands = payload.commands;
        return json(res, { ok: true, result: true });
      case 'sendMessage':
        return json(res, state.sendMessage(payload));
      case 'sendPhoto': {
        const attach = typeof payload.photo === 'string' && payload.photo.startsWith('attach://') ? files.get(payload.photo.slice(9)) : undefined;
        return json(res, state.sendPhoto(payload, attach ?? null));
      }
      case 'editMessageText':
        return json(res, state.editMessageText(payload));
      case 'answerCallbackQuery':
        return json(res, state.answerCallbackQuery(payload));
      default:
        return json(res, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res)
      .catch((err: unknown) => json(res, { ok: false, error_code: 400, description: `Bad Request: ${err instanceof Error ? err.message : String(err)}` }))
      .finally(changed);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen(0);
  const port = (server.address() as { port: number }).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    bot: BOT_USER,
    state,
    calls,
    sent: state.sent,
    deliveries: webhook.deliveries,
    proxyTo: (to) => webhook.proxyTo(to),
    loseWebhookAnswers: (times) => webhook.loseAnswers(times),
    userSays: (userId, text) => {
      const u = state.userSays({ id: userId }, text);
      wake();
      return u;
    },
    userPresses: (userId, data, messageId, chatId = userId) => {
      const id = messageId ?? [...state.sent].reverse().find((s) => s.chatId === chatId && s.method !== 'editMessageText')?.messageId;
      if (id === undefined)
        throw new BrainError(`the bot sent nothing to chat ${chatId} to press; wait for its message first`, {
          domain: 'telegram_loopback',
          code: 'nothing_to_press',
          retryable: false,
        });
      const u = state.userPresses({ id: userId }, chatId, id, data);
      wake();
      return u;
    },
    fail: (method, fault, times = 1) => void faults.push({ method, fault, times }),
    down: stop,
    up: () => listen(port),
    until: (done) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!done()) return;
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
        check();
      }),
    close: async () => {
      await webhook.close();
      await stop();
    },
  };
}
