/**
 * The daemon's settings as one zod schema: every key has a default and a description, so
 * `ConfigSchema.parse({})` is the built-in configuration and `brain config --keys` documents itself.
 * Risk and rollback limits reuse the contract's schemas (DESIGN inv. 3: limits live in code and config).
 * Secrets sit in their own branch that only the environment / .env fill (DESIGN inv. 7).
 */
import { CronPattern } from 'croner';
import { z } from 'zod';
import { PAIRS, PairSchema, TimeframeSchema } from '../contract/pairs.ts';
import { RiskLimitsSchema, RollbackLimitsSchema } from '../contract/risk.ts';

const fraction = (max: number) => z.number().finite().min(0).max(max);
const days = z.number().int().min(1).max(36_500);
const retention = (d: number | 'forever') => z.union([days, z.literal('forever')]).default(d);

const cron = z.string().refine((expr) => {
  try {
    new CronPattern(expr, 'UTC');
    return true;
  } catch {
    return false;
  }
}, 'must be a cron expression of 5 or 6 fields, e.g. "0 3 * * *"');

export const NOTIFICATION_LEVELS = ['off', 'silent', 'on'] as const;
const notify = (level: (typeof NOTIFICATION_LEVELS)[number], what: string) =>
  z.enum(NOTIFICATION_LEVELS).default(level).describe(`${what}: on = sent with sound, silent = sent without sound, off = never sent`);

const MarketSchema = z.strictObject({
  timeframe: TimeframeSchema.default('5m').describe('Candle timeframe the scanner hands to the strategy (1m, 5m, 15m, 1h, 4h, 1d)'),
  scanIntervalSeconds: z.number().int().min(5).max(3600).default(300)
    .describe('Seconds between scanner passes over the pairs (5..3600); a strategy still sees only closed candles'),
});

const FeesSchema = z.strictObject({
  maker: fraction(0.01).default(0.0025).describe('Maker fee as a fraction of notional (0..0.01), used until the venue reports the account tier'),
  taker: fraction(0.01).default(0.004).describe('Taker fee as a fraction of notional (0..0.01), used until the venue reports the account tier'),
});

const TradingSchema = z.strictObject({
  slippageFraction: fraction(0.05).default(0.0005)
    .describe('Default slippage as a fraction of price (0..0.05) applied to simulated fills in backtest and paper'),
  fallbackFees: FeesSchema.prefault({}).describe('Fees assumed when the venue fee schedule is unknown'),
});

const RetentionSchema = z.strictObject({
  candles5mDays: retention(90).describe('Days of 5m candles kept (1..36500) or "forever"; older ones live on as 1h candles'),
  candles1hDays: retention(730).describe('Days of 1h candles kept (1..36500) or "forever"; older ones live on as 1d candles'),
  candles1dDays: retention('forever').describe('Days of 1d candles kept (1..36500) or "forever"'),
});

const DataSchema = z.strictObject({
  dbPath: z.string().min(1).default('data/brain.db').describe('SQLite database file, relative to the working directory (":memory:" for a throwaway run)'),
  lockPath: z.string().min(1).default('data/brain.pid').describe('PID lock file that keeps a second daemon from starting on the same data'),
  retention: RetentionSchema.prefault({}).describe('How long each candle tier is kept before pruning'),
});

const ModelsSchema = z.strictObject({
  analysis: z.string().min(1).default('claude-sonnet-5-5').describe('Anthropic model that reads the day and writes observations'),
  generation: z.string().min(1).default('claude-opus-5-5').describe('Anthropic model that writes a new strategy or statistics version'),
  review: z.string().min(1).default('claude-sonnet-5-5').describe('Anthropic model that reviews a generated version before the sandbox'),
});

const OrchestratorSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the nightly evolution cycle (true/false); without ANTHROPIC_API_KEY the offline evolver runs instead'),
  schedule: cron.default('0 3 * * *').describe('Cron expression (evaluated in UTC) for the evolution cycle'),
  models: ModelsSchema.prefault({}).describe('Model per pipeline step'),
  maxTokens: z.number().int().min(256).max(128_000).default(16_000).describe('Max output tokens per model call (256..128000)'),
  dailyBudgetUsd: z.number().finite().min(0).max(1000).default(5).describe('USD the orchestrator may spend on model calls per UTC day (0..1000); 0 = offline evolver only'),
  monthlyBudgetUsd: z.number().finite().min(0).max(10_000).default(50).describe('USD per calendar month (0..10000), at least the daily budget'),
});

/** One level per notification kind (Freqtrade's notification_settings, adapted to this daemon's events). */
const NotificationsSchema = z.strictObject({
  entry: notify('silent', 'An entry intent accepted and its position opened'),
  exit: notify('on', 'A position closed, with its P&L and exit reason'),
  fill: notify('off', 'Every fill booked (entries and exits, partial fills too)'),
  rejection: notify('off', 'An intent refused by the risk rules or the breaker'),
  breaker: notify('on', 'Circuit breaker changes: reducing, halted, resumed, a refused resume'),
  deploy: notify('on', 'A new strategy version activated'),
  rollback: notify('on', 'A strategy rolled back to an earlier version'),
  paperTest: notify('silent', 'A paper test finished, with its verdict'),
  nightlyReport: notify('silent', "The nightly cycle's change report (hypothesis, diff, metrics, gates, cost)"),
  feed: notify('on', 'The market feed went down or came back'),
  alert: notify('on', 'Supervisor alerts: a scan failure, a failed chore, a refused strategy swap, a child error'),
  selfAudit: notify('silent', 'The result of a self-audit (reconciliation with the venue)'),
  startup: notify('silent', 'The daemon started trading'),
  shutdown: notify('silent', 'The daemon is shutting down'),
  dailyReport: notify('silent', 'The daily report at telegram.dailyReportCron'),
});

const TelegramSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Start the bot when TELEGRAM_BOT_TOKEN is set (true/false); false keeps it off even with a token'),
  admins: z.array(z.number().int().positive()).default([])
    .describe('Telegram user ids with every command, control included (comma list in env); they also get the notifications'),
  viewers: z.array(z.number().int().positive()).default([])
    .describe('Telegram user ids with read-only commands (comma list in env); they also get the notifications'),
  apiRoot: z.url({ protocol: /^https?$/ }).refine((u) => !u.endsWith('/'), 'must not end with a slash').default('https://api.telegram.org')
    .describe('Bot API server root without a trailing slash (a self-hosted Bot API server, or the loopback fake in tests)'),
  updates: z.enum(['polling']).default('polling').describe('How updates arrive: polling (long polling by getUpdates; no public port needed)'),
  pollTimeoutSeconds: z.number().int().min(0).max(50).default(30).describe('Long-poll timeout of each getUpdates call, seconds (0..50)'),
  confirmTtlSeconds: z.number().int().min(5).max(3600).default(60)
    .describe('How long a confirmation button of a dangerous command stays valid, seconds (5..3600)'),
  dailyReportCron: cron.default('0 8 * * *').describe('Cron expression (UTC) of the daily report'),
  commandsPerMinute: z.number().int().min(1).max(600).default(20)
    .describe('Commands one user may send per minute (1..600); past it the bot says to slow down once and ignores the rest'),
  maxCommandLength: z.number().int().min(16).max(4096).default(512).describe('Longest command text accepted, characters (16..4096)'),
  messagesPerSecondPerChat: z.number().finite().min(0.05).max(1000).default(1)
    .describe("Steady sending rate per chat, messages per second (0.05..1000; Telegram's guideline is about 1)"),
  messagesBurstPerChat: z.number().int().min(1).max(100).default(3).describe('Messages one chat may receive back to back before the steady rate applies (1..100)'),
  retryAttempts: z.number().int().min(0).max(20).default(5)
    .describe('Times a call hit by a flood wait (429) is retried in place by auto-retry (0..20); later sends wait in the outbox'),
  retryMaxDelaySeconds: z.number().int().min(1).max(3600).default(60)
    .describe('Longest flood wait retried in place, seconds (1..3600); a longer one leaves the message in the outbox until then'),
  notifications: NotificationsSchema.prefault({}).describe('Level per notification kind'),
});

const ControlSchema = z.strictObject({
  socketPath: z.string().min(1).default('data/brain.sock')
    .describe('Unix domain socket where the running daemon answers `brain` control commands (mode 0600, local only, no TCP)'),
  timeoutSeconds: z.number().int().min(1).max(600).default(60)
    .describe('How long a control command waits for its outcome from the supervisor, seconds (1..600)'),
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LogSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('Lowest pino level written (fatal, error, warn, info, debug, trace, silent)'),
  format: z.enum(['auto', 'json', 'pretty']).default('auto').describe('auto = human-readable on a terminal, JSON lines otherwise'),
});

/** Where each secret comes from: only these environment variables (or the same names in .env). */
export const SECRET_ENV = {
  krakenApiKey: 'KRAKEN_API_KEY',
  krakenApiSecret: 'KRAKEN_API_SECRET',
  anthropicApiKey: 'ANTHROPIC_API_KEY',
  telegramBotToken: 'TELEGRAM_BOT_TOKEN',
} as const;
export type SecretName = keyof typeof SECRET_ENV;

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SecretsSchema = z.strictObject({
  krakenApiKey: z.string().min(1).optional().describe('Kraken API key (KRAKEN_API_KEY); required in live mode'),
  krakenApiSecret: z.string().regex(base64, 'must be base64, as Kraken shows it').optional()
    .describe('Kraken API private key, base64 (KRAKEN_API_SECRET); required in live mode'),
  anthropicApiKey: z.string().min(1).optional().describe('Anthropic API key (ANTHROPIC_API_KEY); without it the offline evolver runs'),
  telegramBotToken: z.string().regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-token, as BotFather gives it').optional()
    .describe('Telegram bot token (TELEGRAM_BOT_TOKEN); without it no bot starts'),
});

/** The contract's risk schemas carry JSDoc, not .describe(); these texts document them for `brain config --keys`. */
export const RISK_DESCRIPTIONS: Record<keyof z.infer<typeof RiskLimitsSchema>, string> = {
  maxPositionFraction: 'Max size of one position as a fraction of equity at entry (0..1]',
  maxOpenPositions: 'Max simultaneous open positions across all pairs (1..50)',
  maxPairExposureFraction: 'Max exposure to one pair as a fraction of equity (0..1]',
  maxTotalExposureFraction: 'Max total exposure across all positions as a fraction of equity (0..1]',
  minOrderUsd: 'Smallest order the shell sends, USD (>= 0; Kraken costmin applies on top)',
  dailyLossFraction: 'Loss since 00:00 UTC, as a fraction of opening equity, that halts new entries (0..1]',
  maxDrawdownFraction: 'Drawdown from peak equity that halts trading (0..1]',
  reducingDrawdownFraction: 'Drawdown from peak at which entries are halved (0..1], below maxDrawdownFraction',
  maxConsecutiveLosses: 'Consecutive losing trades that halt new entries (1..100)',
  resume: 'How a halted breaker comes back: manual (operator /resume) or auto after the cool-down',
  autoResumeAfterMinutes: 'Cool-down before an automatic resume, minutes (1..10080)',
};
export const ROLLBACK_DESCRIPTIONS: Record<keyof z.infer<typeof RollbackLimitsSchema>, string> = {
  drawdownPercentile: 'Live drawdown beyond this Monte Carlo percentile of the backtest rolls back (50..100)',
  losingStreakPercentile: 'Live losing streak beyond this Monte Carlo percentile rolls back (50..100)',
  minTradesForComparison: 'Trades needed before win-rate/expectancy comparisons (1..1000)',
  expectancyZ: 'Roll back when live expectancy is this many standard errors below the backtest (0.5..10)',
  maxRuntimeFailuresPerDay: 'Sandbox failures (crash, timeout, invalid output) per 24 h that roll back (1..1000)',
};

const ConfigObjectSchema = z.strictObject({
  mode: z.enum(['paper', 'live']).default('paper').describe('paper = simulated fills on live prices; live = real Kraken orders (needs KRAKEN_API_KEY/SECRET)'),
  pairs: z.array(PairSchema).min(1).default([...PAIRS]).describe(`Pairs to trade, a subset of ${PAIRS.join(', ')} (comma list in env)`),
  market: MarketSchema.prefault({}).describe('Candles and scanning'),
  paper: z.strictObject({
    startingBalanceUsd: z.number().finite().min(1).max(1e9).default(10_000).describe('USD balance a paper account starts with (1..1e9)'),
  }).prefault({}).describe('Paper trading'),
  trading: TradingSchema.prefault({}).describe('Fees and slippage shared by backtest, paper and live accounting'),
  data: DataSchema.prefault({}).describe('Storage'),
  orchestrator: OrchestratorSchema.prefault({}).describe('Nightly AI evolution cycle'),
  telegram: TelegramSchema.prefault({}).describe('Telegram control and notifications'),
  control: ControlSchema.prefault({}).describe('The local control channel of the running daemon (used by the brain CLI)'),
  log: LogSchema.prefault({}).describe('Logging'),
  risk: RiskLimitsSchema.prefault({}).describe('Risk limits enforced outside the strategy (config/risk_limits.toml)'),
  rollback: RollbackLimitsSchema.prefault({}).describe('Rollback triggers for a freshly deployed strategy (config/risk_limits.toml)'),
  secrets: SecretsSchema.prefault({}).describe('Secrets, only from the environment or .env'),
});

type ConfigShape = z.infer<typeof ConfigObjectSchema>;

/** Checks that span keys; each names the key an operator should change. */
function crossChecks(c: ConfigShape, ctx: z.RefinementCtx): void {
  const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const dupes = c.pairs.filter((p, i) => c.pairs.indexOf(p) !== i);
  if (dupes.length > 0) fail(['pairs'], `must not repeat a pair (${[...new Set(dupes)].join(', ')} twice)`);
  if (c.mode === 'live' && (!c.secrets.krakenApiKey || !c.secrets.krakenApiSecret)) {
    fail(['mode'], 'needs KRAKEN_API_KEY and KRAKEN_API_SECRET in the environment or .env; set both or use --mode paper');
  }
  const both = c.telegram.admins.filter((id) => c.telegram.viewers.includes(id));
  if (both.length > 0) fail(['telegram', 'viewers'], `must not repeat an admin (${both.join(', ')}); an admin can already do everything`);
  if (c.orchestrator.monthlyBudgetUsd < c.orchestrator.dailyBudgetUsd) {
    fail(['orchestrator', 'monthlyBudgetUsd'], `must be ≥ orchestrator.dailyBudgetUsd (${c.orchestrator.dailyBudgetUsd})`);
  }
  const r = c.risk;
  if (r.maxPositionFraction > r.maxPairExposureFraction) {
    fail(['risk', 'maxPositionFraction'], `must be ≤ risk.maxPairExposureFraction (${r.maxPairExposureFraction})`);
  }
  if (r.maxPairExposureFraction > r.maxTotalExposureFraction) {
    fail(['risk', 'maxPairExposureFraction'], `must be ≤ risk.maxTotalExposureFraction (${r.maxTotalExposureFraction})`);
  }
  if (r.reducingDrawdownFraction >= r.maxDrawdownFraction) {
    fail(['risk', 'reducingDrawdownFraction'], `must be < risk.maxDrawdownFraction (${r.maxDrawdownFraction})`);
  }
}

export const ConfigSchema = ConfigObjectSchema.superRefine(crossChecks);
type DeepReadonly<T> = T extends readonly (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** The loaded configuration: deeply frozen at runtime, and typed so. */
export type Config = DeepReadonly<ConfigShape>;
export { ConfigObjectSchema };
