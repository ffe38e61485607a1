/**
 * The process logger (pino). DESIGN inv. 7, secrets never leave: two layers of redaction.
 * 1. By key: any property named like a credential (apiKey, API-Sign, authorization, token ...) at
 *    depth 0..REDACT_DEPTH is censored by pino's redact paths.
 * 2. By value: the secrets actually configured are scrubbed from every finished line, which also
 *    catches a token inside a URL or an error message, at any depth.
 * Library code receives a child of this logger; it never creates its own.
 */
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger } from 'pino';

export const REDACTED = '[Redacted]';

/** Property names that hold credentials, as they appear in our code, Kraken/Anthropic headers and env names. */
export const SECRET_KEYS = [
  'apiKey',
  'apiSecret',
  'secret',
  'token',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'API-Key',
  'API-Sign',
  'x-api-key',
  'botToken',
  'krakenApiKey',
  'krakenApiSecret',
  'anthropicApiKey',
  'telegramBotToken',
  'telegramWebhookSecret',
  'redisPassword',
  'KRAKEN_API_KEY',
  'KRAKEN_API_SECRET',
  'ANTHROPIC_API_KEY',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'REDIS_PASSWORD',
] as const;

/** How many object levels below the log call's root the key-based paths reach. */
export const REDACT_DEPTH = 4;

/** fast-redact paths for every secret key at depths 0..REDACT_DEPTH ('apiKey', '*.apiKey', '*.*.apiKey' …). */
export function redactPaths(keys: readonly string[] = SECRET_KEYS, depth = REDACT_DEPTH): string[] {
  const segment = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`);
  return keys.flatMap((k) =>
    Array.from({ length: depth + 1 }, (_, d) => {
      const seg = segment(k);
      const prefix = Array(d).fill('*').join('.');
      if (!prefix) return seg;
      return seg.startsWith('[') ? `${prefix}${seg}` : `${prefix}.${seg}`;
    }),
  );
}

/** Shorter values would scrub ordinary words out of the log; real credentials are far longer. */
const MIN_SCRUB_LENGTH = 8;

/** Replaces every configured secret value (and its JSON-escaped form) in a finished text; undefined when there is none to scrub. */
export function secretScrubber(secrets: readonly string[]): ((line: string) => string) | undefined {
  const needles = [...new Set(secrets.filter((s) => s.length >= MIN_SCRUB_LENGTH).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  if (needles.length === 0) return undefined;
  return (line) => needles.reduce((out, needle) => out.replaceAll(needle, REDACTED), line);
}

/** Formats each line in-process and synchronously, so any destination works and nothing is lost on exit. */
function prettyStream(target: DestinationStream, colorize: boolean): DestinationStream {
  const format = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return { write: (line: string) => void target.write(format(line)) };
}

export interface CreateLoggerOptions {
  level: LevelWithSilent;
  /** Human-readable output; default: only when writing to stdout and stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
  /** Secret values to scrub from every line (e.g. secretValues(config)). */
  secrets?: readonly string[];
  /** Bindings on every line (e.g. { service: 'brain' }). */
  base?: Record<string, unknown>;
}

export function createLogger(opts: CreateLoggerOptions): Logger {
  const pretty = opts.pretty ?? (opts.destination === undefined && process.stdout.isTTY === true);
  const target = opts.destination ?? pino.destination({ dest: 1, sync: true });
  const stream = pretty ? prettyStream(target, opts.destination === undefined) : target;
  const streamWrite = secretScrubber(opts.secrets ?? []);
  return pino(
    {
      level: opts.level,
      base: opts.base ?? { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths(), censor: REDACTED },
      ...(streamWrite ? { hooks: { streamWrite } } : {}),
    },
    stream,
  );
}
