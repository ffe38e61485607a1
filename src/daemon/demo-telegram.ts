/**
 * The Telegram side of `brain demo`: the console attached to the demo daemon with its bot pointed at a
 * loopback Bot API, an operator who asks /status and /profit at the end, and a print of every message
 * the operator's phone would have received. Offline: nothing leaves the machine.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { PROJECT_ROOT } from '../paths.ts';
import { attachConsole, type Console } from './console.ts';
import { daemonEvolutionPort } from './evolution.ts';
import type { Replay } from './replay.ts';
import { startFakeBotApi, type FakeBotApi } from '../telegram/loopback/server.ts';
import type { SentRecord } from '../telegram/loopback/state.ts';

/** The demo's operator: a Telegram user id the loopback Bot API plays. */
export const DEMO_OPERATOR = 1001;

/** Config for the demo's bot: the loopback server, one admin, every kind worth seeing on. */
export function demoTelegramSettings(api: FakeBotApi): { telegram: Record<string, unknown>; secrets: Record<string, string> } {
  return {
    telegram: {
      admins: [DEMO_OPERATOR],
      apiRoot: api.url,
      // The console runs on the replay's clock, which jumps five minutes a step: pacing is Telegram's business only.
      messagesBurstPerChat: 100,
      messagesPerSecondPerChat: 1000,
      notifications: { entry: 'on', exit: 'on', breaker: 'on', startup: 'on', shutdown: 'on', dailyReport: 'silent' },
    },
    secrets: { telegramBotToken: api.token },
  };
}

export interface DemoTelegram {
  readonly api: FakeBotApi;
  attach(replay: Replay, workDir: string, log: Logger): void;
  /** The operator asks, the console says goodbye; returns the lines to print. */
  finish(): Promise<string[]>;
}

function compact(m: SentRecord): string {
  const first = m.text.split('\n')[0]!;
  const kind = m.method === 'sendPhoto' ? '[photo] ' : m.method === 'editMessageText' ? '[edit] ' : '';
  return `  ${m.silent ? '🔕' : '🔔'} ${kind}${first.length > 110 ? `${first.slice(0, 109)}…` : first}`;
}

export async function startDemoTelegram(): Promise<DemoTelegram> {
  const api = await startFakeBotApi();
  let operatorConsole: Console | null = null;
  const ask = async (text: string): Promise<SentRecord | undefined> => {
    const before = api.sent.length;
    api.userSays(DEMO_OPERATOR, text);
    await api.until(() => api.sent.length > before);
    return api.sent[before];
  };
  return {
    api,
    attach(replay, workDir, log) {
      const dbPath = join(workDir, 'brain.db');
      // The console as `brain run` wires it: the evolution commands are events to the demo's supervisor.
      const evolution = daemonEvolutionPort({
        daemon: replay.daemon,
        config: replay.config,
        log,
        dbPath,
        repoRoot: PROJECT_ROOT,
        filesRoot: workDir,
        clock: replay.sim.clock,
        announce: (n) => operatorConsole?.notify(n),
      });
      operatorConsole = attachConsole({
        daemon: replay.daemon,
        config: replay.config,
        log,
        clock: replay.sim.clock,
        dbPath,
        socketPath: join(workDir, 'brain.sock'),
        evolution,
      });
    },
    async finish() {
      const notifications = api.sent.length;
      const status = await ask('/status');
      const profit = await ask('/profit');
      await operatorConsole?.close('demo end');
      await api.close();
      return [
        '',
        `── Telegram: what the operator (user ${DEMO_OPERATOR}) received, ${api.sent.length} messages through the loopback Bot API ──`,
        ...api.sent.slice(0, notifications).map(compact),
        '',
        'then the operator sent /status:',
        ...(status?.text.split('\n').map((l) => `  ${l}`) ?? []),
        '',
        'and /profit:',
        ...(profit?.text.split('\n').map((l) => `  ${l}`) ?? []),
        '',
        ...api.sent
          .slice(notifications)
          .filter((m) => m !== status && m !== profit)
          .map(compact),
      ];
    },
  };
}
