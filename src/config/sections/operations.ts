/**
 * Config sections of running the daemon: storage and retention, the control socket, logging, health,
 * the daily self-audit and backup, sandbox isolation and the live key lease.
 */
import { z } from 'zod';
import { cron, retention } from './shared.ts';

export const RetentionSchema = z.strictObject({
  candles5mDays: retention(90).describe('Days of 5m candles kept (1..36500) or "forever"; older ones live on as 1h candles'),
  candles1hDays: retention(730).describe('Days of 1h candles kept (1..36500) or "forever"; older ones live on as 1d candles'),
  candles1dDays: retention('forever').describe('Days of 1d candles kept (1..36500) or "forever"'),
});

export const DataSchema = z.strictObject({
  dbPath: z
    .string()
    .min(1)
    .default('data/brain.db')
    .describe(
      'SQLite database file, relative to the working directory (":memory:" for a throwaway run); the daemon locks it with <file>.lock beside its real path',
    ),
  retention: RetentionSchema.prefault({}).describe('How long each candle tier is kept before pruning'),
});

export const ControlSchema = z.strictObject({
  socketPath: z
    .string()
    .min(1)
    .default('data/brain.sock')
    .describe('Unix domain socket where the running daemon answers `brain` control commands (mode 0600, local only, no TCP)'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(600)
    .default(60)
    .describe('How long a control command waits for its outcome from the supervisor, seconds (1..600)'),
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LogSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('Lowest pino level written (fatal, error, warn, info, debug, trace, silent)'),
  format: z.enum(['auto', 'json', 'pretty']).default('auto').describe('auto = human-readable on a terminal, JSON lines otherwise'),
});

export const HealthSchema = z.strictObject({
  port: z
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(9464)
    .describe('TCP port of /livez, /readyz and /metrics, bound to 127.0.0.1 only (1..65535); 0 turns the endpoint off'),
  maxEventLoopLagMs: z
    .number()
    .int()
    .min(50)
    .max(60_000)
    .default(2000)
    .describe('Event-loop lag, ms (50..60000), above which /livez fails and the systemd watchdog is no longer fed'),
  feedStaleSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(120)
    .describe('Seconds without a market update (5..3600) after which /readyz reports the feed stale'),
});

export const AuditSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the daily self-audit in the daemon (true/false); `brain audit` works either way'),
  schedule: cron.default('20 0 * * *').describe('Cron expression (UTC) of the daily self-audit; after the fee refresh at 00:10'),
  toleranceUsd: z
    .number()
    .finite()
    .min(0)
    .max(100)
    .default(0.05)
    .describe('Largest difference, USD (0..100), that the audit counts as rounding (Kraken reports fees to 5 decimals)'),
});

export const BackupSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Take the daily online database backup in the daemon (true/false); `brain backup` works either way'),
  schedule: cron.default('45 0 * * *').describe('Cron expression (UTC) of the daily backup'),
  dir: z.string().min(1).default('data/backups').describe('Folder of the backups, relative to the working directory'),
  keep: z.number().int().min(1).max(3650).default(14).describe('Backups kept (1..3650); older ones are deleted after each new one'),
});

export const IsolationSchema = z.strictObject({
  requireNamespacesInLive: z
    .boolean()
    .default(true)
    .describe(
      "Live mode refuses to start unless strategy children run in their own user+network namespace (unshare -Urn); false accepts Deno's permissions and prlimit alone",
    ),
});

export const LeaseSchema = z.strictObject({
  ttlSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(60)
    .describe(
      "Live mode: seconds the Kraken key lease outlives its holder's last heartbeat (renewed every third of it); a crashed trader's key is free again after this (5..3600)",
    ),
});
