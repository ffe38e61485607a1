/** Config sections of the Telegram bot: who may use it, how updates arrive, the outbox, and a level per notification kind. */
import { z } from 'zod';
import { cron } from './shared.ts';

export const NOTIFICATION_LEVELS = ['off', 'silent', 'on'] as const;
const notify = (level: (typeof NOTIFICATION_LEVELS)[number], what: string) =>
  z.enum(NOTIFICATION_LEVELS).default(level).describe(`${what}: on = sent with sound, silent = sent without sound, off = never sent`);

/** One level per notification kind (Freqtrade's notification_settings, adapted to this daemon's events). */
export const NotificationsSchema = z.strictObject({
  entry: notify('silent', 'An entry intent accepted and its position opened'),
  exit: notify('on', 'A position closed, with its P&L and exit reason'),
  fill: notify('off', 'Every fill booked (entries and exits, partial fills too)'),
  rejection: notify('off', 'An intent refused by the risk rules or the breaker'),
  breaker: notify('on', 'Circuit breaker changes: reducing, halted, resumed, a refused resume'),
  deploy: notify('on', 'A new strategy version activated'),
  rollback: notify('on', 'A strategy rolled back to an earlier version'),
  paperTest: notify('silent', 'A paper test started, or finished with its verdict'),
  nightlyReport: notify(
    'silent',
    "The nightly cycle's change report (hypothesis, diff, metrics, gates, cost) and the end of an evolver run started with /evolve",
  ),
  feed: notify('silent', 'The market feed went down or came back, each time (an outage its reconnects cannot end is an alert)'),
  alert: notify('on', 'Supervisor alerts: a scan failure, a failed chore, a refused strategy swap, a child error'),
  selfAudit: notify('silent', 'The result of a self-audit (reconciliation with the venue)'),
  startup: notify('silent', 'The daemon started trading'),
  shutdown: notify('silent', 'The daemon is shutting down'),
  dailyReport: notify('silent', 'The daily report at telegram.dailyReportCron'),
});

export const TelegramSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Start the bot when TELEGRAM_BOT_TOKEN is set (true/false); false keeps it off even with a token'),
  admins: z
    .array(z.number().int().positive())
    .default([])
    .describe('Telegram user ids with every command, control included (comma list in env); they also get the notifications'),
  viewers: z
    .array(z.number().int().positive())
    .default([])
    .describe('Telegram user ids with read-only commands (comma list in env); they also get the notifications'),
  apiRoot: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.endsWith('/'), 'must not end with a slash')
    .default('https://api.telegram.org')
    .describe('Bot API server root without a trailing slash (a self-hosted Bot API server, or the loopback fake in tests)'),
  updates: z
    .enum(['polling', 'webhook'])
    .default('polling')
    .describe(
      'How updates arrive: polling (long polling by getUpdates; no public port needed) or webhook (Telegram POSTs to telegram.webhookUrl; needs TELEGRAM_WEBHOOK_SECRET and a TLS reverse proxy)',
    ),
  webhookUrl: z
    .union([
      z.literal(''),
      z.url({ protocol: /^https$/, error: 'must be an https:// URL (Telegram delivers webhooks only over TLS), e.g. "https://bot.example.com/telegram"' }),
    ])
    .default('')
    .describe(
      'Webhook mode: the public https:// URL Telegram POSTs updates to (your reverse proxy, which forwards to 127.0.0.1:telegram.webhookPort); "" with polling',
    ),
  webhookPort: z
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(8081)
    .describe('Webhook mode: TCP port of the update listener, bound to 127.0.0.1 only (1..65535; 0 = any free port, for tests)'),
  pollTimeoutSeconds: z.number().int().min(0).max(50).default(30).describe('Long-poll timeout of each getUpdates call, seconds (0..50)'),
  confirmTtlSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(60)
    .describe('How long a confirmation button of a dangerous command stays valid, seconds (5..3600)'),
  dailyReportCron: cron.default('0 8 * * *').describe('Cron expression (UTC) of the daily report'),
  commandsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(600)
    .default(20)
    .describe('Commands one user may send per minute (1..600); past it the bot says to slow down once and ignores the rest'),
  maxCommandLength: z.number().int().min(16).max(4096).default(512).describe('Longest command text accepted, characters (16..4096)'),
  messagesPerSecondPerChat: z
    .number()
    .finite()
    .min(0.05)
    .max(1000)
    .default(1)
    .describe("Steady sending rate per chat, messages per second (0.05..1000; Telegram's guideline is about 1)"),
  messagesBurstPerChat: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('Messages one chat may receive back to back before the steady rate applies (1..100)'),
  retryAttempts: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe('Times a call hit by a flood wait (429) is retried in place by auto-retry (0..20); later sends wait in the outbox'),
  retryMaxDelaySeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe('Longest flood wait retried in place, seconds (1..3600); a longer one leaves the message in the outbox until then'),
  notifications: NotificationsSchema.prefault({}).describe('Level per notification kind'),
});
