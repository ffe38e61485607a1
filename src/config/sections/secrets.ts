/** The secrets branch: filled only from the environment or .env (DESIGN inv. 7), never from a TOML file. */
import { z } from 'zod';

/** Where each secret comes from: only these environment variables (or the same names in .env). */
export const SECRET_ENV = {
  krakenApiKey: 'KRAKEN_API_KEY',
  krakenApiSecret: 'KRAKEN_API_SECRET',
  anthropicApiKey: 'ANTHROPIC_API_KEY',
  telegramBotToken: 'TELEGRAM_BOT_TOKEN',
  telegramWebhookSecret: 'TELEGRAM_WEBHOOK_SECRET',
  redisPassword: 'REDIS_PASSWORD',
} as const;
export type SecretName = keyof typeof SECRET_ENV;

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
export const SecretsSchema = z.strictObject({
  krakenApiKey: z.string().min(1).optional().describe('Kraken API key (KRAKEN_API_KEY); required in live mode'),
  krakenApiSecret: z
    .string()
    .regex(base64, 'must be base64, as Kraken shows it')
    .optional()
    .describe('Kraken API private key, base64 (KRAKEN_API_SECRET); required in live mode'),
  anthropicApiKey: z.string().min(1).optional().describe('Anthropic API key (ANTHROPIC_API_KEY); without it the offline evolver runs'),
  telegramBotToken: z
    .string()
    .regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-token, as BotFather gives it')
    .optional()
    .describe('Telegram bot token (TELEGRAM_BOT_TOKEN); without it no bot starts'),
  telegramWebhookSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16..256 characters of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)')
    .optional()
    .describe(
      'Webhook mode: the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (TELEGRAM_WEBHOOK_SECRET); required with telegram.updates = "webhook"',
    ),
  redisPassword: z.string().min(1).optional().describe('Password of evolution.redisUrl (REDIS_PASSWORD), if that Redis asks for one'),
});
