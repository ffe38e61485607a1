/**
 * The console attached to the real daemon (paper mode against the simulator replaying real candles):
 * the startup notification, /status from the supervisor's own state, `brain breaker halt` over the
 * control socket and its breaker notification, /resetbreaker confirmed in Telegram and the supervisor
 * trading again, trades notified as they happen, the goodbye at shutdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callDaemon } from '../../src/control/socket/client.ts';
import { attachConsole, type Console } from '../../src/daemon/console.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { createLogger } from '../../src/log/index.ts';
import { startFakeBotApi, type FakeBotApi } from '../../src/telegram/loopback/server.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OPERATOR = 4242;

let api: FakeBotApi;
let replay: Replay;
let operatorConsole: Console;
let workDir: string;

const sentTo = () => api.sent.filter((s) => s.chatId === OPERATOR);
const after = async (n: number) => {
  await api.until(() => sentTo().length > n);
  return sentTo().slice(n);
};

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-console-'));
  api = await startFakeBotApi();
  replay = await startReplay({
    workDir,
    repoRoot: REPO_ROOT,
    log: createLogger({ level: 'silent' }),
    pairs: ['BTC/USD', 'ETH/USD', 'SOL/USD'],
    days: 2,
    settings: {
      risk: { resume: 'auto', autoResumeAfterMinutes: 360 },
      // The console runs on the replay's clock, which stands still between steps: no pacing to wait for.
      telegram: {
        admins: [OPERATOR],
        apiRoot: api.url,
        messagesBurstPerChat: 100,
        messagesPerSecondPerChat: 1000,
        notifications: { entry: 'on', startup: 'on', shutdown: 'on' },
      },
      secrets: { telegramBotToken: api.token },
    },
  });
  operatorConsole = attachConsole({
    daemon: replay.daemon,
    config: replay.config,
    log: createLogger({ level: 'silent' }),
    clock: replay.sim.clock,
    dbPath: join(workDir, 'brain.db'),
    socketPath: join(workDir, 'brain.sock'),
  });
}, 240_000);

afterAll(async () => {
  await operatorConsole?.close('test end');
  await replay?.close();
  await api?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the console on a running daemon', () => {
  it('says it started, and /status shows the supervisor trading', async () => {
    const [hello] = await after(0);
    expect(hello!.text).toMatch(/^Trading Brain started\n\nmode +paper\npairs +BTC\/USD, ETH\/USD, SOL\/USD/);
    const n = sentTo().length;
    api.userSays(OPERATOR, '/status');
    expect((await after(n))[0]!.text).toMatch(/state +trading · paper\nbreaker +active/);
  });

  it('brain breaker halt over the socket halts the running breaker and the operator is told', async () => {
    const n = sentTo().length;
    const answer = await callDaemon(join(workDir, 'brain.sock'), { name: 'halt', words: [], user: 'ops', confirmed: false }, 10_000);
    expect(answer).toMatchObject({ kind: 'reply', reply: { ok: true, blocks: [{ text: expect.stringMatching(/^Breaker halted/) }] } });
    expect(replay.daemon.actor.getSnapshot().context.breaker).toBe('halted');
    expect((await after(n))[0]!.text).toMatch(/^⛔ Breaker HALTED: an operator halted it/);
  });

  it('/resetbreaker confirmed in Telegram resumes the breaker; the replay trades and each exit is notified', async () => {
    let n = sentTo().length;
    api.userSays(OPERATOR, '/resetbreaker');
    const [question] = await after(n);
    n = sentTo().length;
    api.userPresses(OPERATOR, (question!.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data);
    await api.until(() =>
      sentTo()
        .slice(n)
        .some((m) => m.text.startsWith('Breaker resumed')),
    );
    expect(replay.daemon.actor.getSnapshot().context.breaker).toBe('active');
    await replay.run();
    const closed = replay.daemon.runtime.repos!.positions.closedInRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).filter((p) => p.exitReason !== null);
    expect(closed.length).toBeGreaterThan(0);
    await api.until(() => sentTo().filter((m) => /^(✅|🔻) Closed /.test(m.text)).length === closed.length);
    expect(sentTo().filter((m) => m.text.startsWith('🟢 Bought')).length).toBeGreaterThanOrEqual(closed.length);
  }, 240_000);

  it('says goodbye when it closes', async () => {
    const n = sentTo().length;
    await operatorConsole.close('SIGTERM');
    expect(
      sentTo()
        .slice(n)
        .map((m) => m.text),
    ).toEqual(['Trading Brain is shutting down (SIGTERM); positions and the breaker persist.']);
  });
});
