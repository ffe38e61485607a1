/**
 * The console never stands in the way of trading: without a token it warns once and the control socket
 * still answers; with Telegram unreachable the daemon trades on, warns once, keeps the notifications in
 * the outbox and sends them when Telegram is back; an operator's /stop is handed to the daemon's entry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../src/clock/clock.ts';
import { callDaemon } from '../../src/control/socket/client.ts';
import { attachConsole, type Console } from '../../src/daemon/console.ts';
import { openDatabase } from '../../src/db/index.ts';
import { modeRequestsRepo } from '../../src/db/mode-requests.repo.ts';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { createLogger } from '../../src/log/index.ts';
import { startFakeBotApi, type FakeBotApi } from '../../src/telegram/loopback/server.ts';
import { testConfig } from '../control/fixtures.ts';
import { startSupervisor, T0 } from '../machines/supervisor.fixtures.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(o: {
  token: boolean;
  api?: FakeBotApi;
  telegram?: Record<string, unknown>;
  secrets?: Record<string, string>;
  settings?: Record<string, unknown>;
}) {
  const dir = mkdtempSync(join(tmpdir(), 'brain-console-'));
  const s = startSupervisor();
  await s.running();
  const lines: string[] = [];
  const log = createLogger({ level: 'info', pretty: false, destination: { write: (l: string) => void lines.push(l) }, secrets: [] });
  const clock = new SimulatedClock();
  clock.set(T0);
  const config = testConfig({
    ...o.settings,
    telegram: {
      admins: [1],
      apiRoot: o.api?.url ?? 'http://127.0.0.1:9',
      messagesBurstPerChat: 100,
      notifications: { startup: 'on', shutdown: 'on', exit: 'on' },
      ...o.telegram,
    },
    ...(o.token ? { secrets: { telegramBotToken: o.api?.token ?? '1:abc', ...o.secrets } } : {}),
  });
  const c: Console = attachConsole({
    daemon: { actor: s.actor, runtime: {} } as unknown as Daemon,
    config,
    log,
    clock: clock as unknown as Clock,
    dbPath: join(dir, 'brain.db'),
    socketPath: join(dir, 'brain.sock'),
  });
  await c.ready;
  cleanups.push(async () => {
    await c.close('test end');
    rmSync(dir, { recursive: true, force: true });
  });
  const socket = () => callDaemon(join(dir, 'brain.sock'), { name: 'count', words: [], user: 't', confirmed: false }, 5_000);
  const ctl = (name: string, words: string[], confirmed = false) => callDaemon(join(dir, 'brain.sock'), { name, words, user: 'ops', confirmed }, 5_000);
  return { s, c, clock, lines, socket, ctl, dir };
}

describe('the console beside the daemon', () => {
  it('without a token: one warning, no bot, the control socket answers, trading goes on', async () => {
    const w = await setup({ token: false });
    expect(await w.socket()).toMatchObject({ kind: 'reply', reply: { ok: true } });
    expect(w.lines.filter((l) => l.includes('no TELEGRAM_BOT_TOKEN, the bot is off'))).toHaveLength(1);
    expect((await w.s.signal('BTC/USD', 'buy', 100)).signal!.verdict.outcome).toBe('acted');
  });

  it('with Telegram unreachable: trading goes on, one warning, the notifications wait and are sent once it is back', async () => {
    const api = await startFakeBotApi();
    cleanups.push(() => api.close());
    await api.down();
    const w = await setup({ token: true, api });
    await w.socket();
    await w.s.openPosition('BTC/USD', 100);
    await w.s.closePosition('BTC/USD', 110);
    await new Promise<void>((resolve) => {
      const check = () => (w.lines.some((l) => l.includes('telegram unreachable')) ? resolve() : setImmediate(check));
      check();
    });
    expect(w.lines.filter((l) => l.includes('telegram unreachable: the daemon trades the same'))).toHaveLength(1);
    await api.up();
    for (let i = 0; i < 20 && !api.sent.some((m) => m.text.includes('Closed BTC/USD')); i++) {
      w.clock.increment(30_000);
      await new Promise((r) => setImmediate(r));
      await api.until(() => true);
    }
    await api.until(() => api.sent.some((m) => m.text.includes('Closed BTC/USD')));
    expect(api.sent.filter((m) => m.text.includes('Closed BTC/USD'))).toHaveLength(1);
  });

  it('with the webhook port taken: trading goes on, one warning, the notifications are still sent', async () => {
    const api = await startFakeBotApi();
    cleanups.push(() => api.close());
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const w = await setup({
      token: true,
      api,
      telegram: { updates: 'webhook', webhookUrl: 'https://bot.example.test/hook', webhookPort: port },
      secrets: { telegramWebhookSecret: 'console-test-secret-0123' },
    });
    await w.s.openPosition('BTC/USD', 100);
    await w.s.closePosition('BTC/USD', 110);
    await api.until(() => api.sent.some((m) => m.text.includes('Closed BTC/USD')));
    expect((await w.s.signal('BTC/USD', 'buy', 100)).signal!.verdict.outcome).toBe('acted');
    await new Promise<void>((resolve) => {
      const check = () => (w.lines.some((l) => l.includes('cannot listen on')) ? resolve() : setImmediate(check));
      check();
    });
    expect(
      w.lines.filter(
        (l) => l.includes(`telegram webhook listener cannot listen on 127.0.0.1:${port} (EADDRINUSE)`) && l.includes('the daemon trades the same'),
      ),
    ).toHaveLength(1);
    expect(api.state.webhook).toBeNull();
  });

  it("an operator's confirmed /mode live is recorded in the database and resolves restartRequested (exit 75 in brain run)", async () => {
    const w = await setup({ token: false, settings: { secrets: { krakenApiKey: 'test-key', krakenApiSecret: 'c2VjcmV0' } } });
    expect(await w.ctl('mode', [])).toMatchObject({
      kind: 'reply',
      reply: {
        ok: true,
        blocks: [
          { text: 'Trading mode' },
          {
            rows: [
              ['running', 'paper (set by config)'],
              ['recorded request', 'none (the config decides)'],
            ],
          },
          {},
        ],
      },
    });
    expect(await w.ctl('mode', ['live'])).toMatchObject({ kind: 'confirm' });
    expect(await w.ctl('mode', ['live'], true)).toMatchObject({ kind: 'reply', reply: { ok: true } });
    expect(await w.c.restartRequested).toBe('cli:ops');
    const db = openDatabase({ path: join(w.dir, 'brain.db'), readonly: true });
    expect(modeRequestsRepo(db).latest()).toMatchObject({ mode: 'live', requestedBy: 'cli:ops' });
    db.close();
  });

  it("an operator's /stop resolves stopRequested with who asked", async () => {
    const api = await startFakeBotApi();
    cleanups.push(() => api.close());
    const w = await setup({ token: true, api });
    await api.until(() => api.calls.some((c) => c.method === 'getUpdates'));
    api.userSays(1, '/stop');
    await api.until(() => api.sent.some((m) => m.replyMarkup !== null));
    api.userPresses(
      1,
      (api.sent.find((m) => m.replyMarkup !== null)!.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!
        .callback_data,
    );
    expect(await w.c.stopRequested).toBe('telegram:1');
    await api.until(() => api.sent.some((m) => m.text.startsWith('Shutting down')));
  });
});
