/**
 * The bot against the loopback Bot API with a SimulatedClock: `ask` sends a user's text and returns what
 * the bot sent back once the update was taken in, the command answered and the outbox emptied; `press`
 * does the same for an inline button. Nothing waits on real time: the fake's calls and the bot's own
 * tasks are awaited, and time moves only by `clock.increment`.
 */
import { afterEach } from 'vitest';
import type { Actor } from 'xstate';
import type { supervisorMachine } from '../../machines/supervisor.machine.ts';
import type { Clock } from '../../src/clock/clock.ts';
import { supervisorPort } from '../../src/control/supervisor-port.ts';
import type { Db } from '../../src/db/index.ts';
import type { ControlDeps } from '../../src/control/operation.ts';
import { periodReport } from '../../src/control/ops/reports.ts';
import { createRepositories } from '../../src/db/index.ts';
import { telegramRepo } from '../../src/db/telegram.repo.ts';
import { createLogger } from '../../src/log/index.ts';
import { startFakeBotApi, type FakeBotApi } from '../../src/telegram/loopback/server.ts';
import type { SentRecord } from '../../src/telegram/loopback/state.ts';
import { startTelegram, type TelegramConsole } from '../../src/telegram/start.ts';
import { controlDeps, testConfig } from '../control/fixtures.ts';

export const ADMIN_ID = 1;
export const VIEWER_ID = 2;
export const STRANGER_ID = 99;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export interface Harness {
  api: FakeBotApi;
  tg: TelegramConsole;
  deps: ControlDeps & { clock: Clock };
  clock: Clock & { increment(ms: number): void };
  lines: string[];
  /** `userId` writes `text`; resolves with what the bot sent after it, once settled. */
  ask(userId: number, text: string): Promise<SentRecord[]>;
  /** `userId` presses `data` on the newest bot message of `chatId` (default: their own chat). */
  press(userId: number, data: string, chatId?: number): Promise<{ sent: SentRecord[]; answer: string | undefined }>;
  /** Waits until every update pushed so far was taken in and everything due was sent. */
  settle(): Promise<void>;
}

export interface HarnessOptions {
  deps?: Partial<ControlDeps>;
  telegram?: Record<string, unknown>;
  /** A running supervisor the commands reach through the in-process port (on the harness clock). */
  actor?: Actor<typeof supervisorMachine>;
  /** Fills the database before the bot starts. */
  seed?: (db: Db) => void | Promise<void>;
  /** Config on top of the test config (besides telegram). */
  settings?: Record<string, unknown>;
  /** A loopback Bot API already started (default: a new one). */
  api?: FakeBotApi;
  /** Updates by webhook (the fake plays the reverse proxy) instead of long polling. */
  webhook?: boolean;
}

export const WEBHOOK_URL = 'https://bot.example.test/telegram/hook';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const api = o.api ?? (await startFakeBotApi());
  const hook = o.webhook ? { updates: 'webhook', webhookUrl: WEBHOOK_URL, webhookPort: 0 } : {};
  const telegram = { admins: [ADMIN_ID], viewers: [VIEWER_ID], apiRoot: api.url, messagesBurstPerChat: 100, ...hook, ...o.telegram };
  const secrets = o.webhook ? { secrets: { telegramWebhookSecret: WEBHOOK_SECRET } } : {};
  const base = controlDeps({ config: testConfig({ ...o.settings, ...secrets, telegram }), ...o.deps });
  const clock = base.clock as Clock & { increment(ms: number): void };
  if (o.actor) base.supervisor = supervisorPort(o.actor, clock);
  await o.seed?.(base.db);
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', pretty: false, destination: { write: (l: string) => void lines.push(l) }, secrets: [] });
  const audit = createRepositories(base.db).audit;
  const tg = startTelegram({
    config: base.config,
    token: api.token,
    log,
    clock,
    control: base,
    repo: telegramRepo(base.db),
    audit: (e) => void audit.record(e),
    dailyReport: async (end) => periodReport(base, 'daily', end),
  });
  base.outboxBacklog = () => tg.outbox.pending();
  base.telegramWebhook = () => tg.webhookHealth();
  cleanups.push(async () => {
    await tg.stop(0);
    await api.close();
  });
  if (o.webhook) {
    await api.until(() => api.state.webhook !== null);
    api.proxyTo(tg.webhookPort!);
  }
  let lastUpdate = 0;
  // Taken in: polling asked for the updates after it; a webhook answered its delivery with 2xx.
  const takenIn = () =>
    o.webhook
      ? api.deliveries.some((d) => d.updateId >= lastUpdate && typeof d.outcome === 'number' && d.outcome < 300)
      : api.calls.some((c) => c.method === 'getUpdates' && Number(c.payload.offset ?? 0) > lastUpdate);
  const settle = async () => {
    await api.until(takenIn);
    await tg.settled();
  };
  const after = async (pushed: number) => {
    const before = api.sent.length;
    lastUpdate = pushed;
    await settle();
    return api.sent.slice(before);
  };
  return {
    api,
    tg,
    deps: base,
    clock,
    lines,
    settle,
    ask: async (userId, text) => after(api.userSays(userId, text).update_id),
    press: async (userId, data, chatId = userId) => {
      const answers = api.state.answers.length;
      const sent = await after(api.userPresses(userId, data, undefined, chatId).update_id);
      return { sent, answer: api.state.answers[answers]?.text };
    },
  };
}

export const texts = (sent: readonly SentRecord[]) => sent.map((s) => s.text);
