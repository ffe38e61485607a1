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
import { EvolutionSchema } from '../evolution/config.ts';

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
  scanIntervalSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(300)
    .describe('Seconds between scanner passes over the pairs (5..3600); a strategy still sees only closed candles'),
});

const FeesSchema = z.strictObject({
  maker: fraction(0.01).default(0.0025).describe('Maker fee as a fraction of notional (0..0.01), used until the venue reports the account tier'),
  taker: fraction(0.01).default(0.004).describe('Taker fee as a fraction of notional (0..0.01), used until the venue reports the account tier'),
});

const TradingSchema = z.strictObject({
  slippageFraction: fraction(0.05)
    .default(0.0005)
    .describe('Default slippage as a fraction of price (0..0.05) applied to simulated fills in backtest and paper'),
  fallbackFees: FeesSchema.prefault({}).describe('Fees assumed when the venue fee schedule is unknown'),
});

const RetentionSchema = z.strictObject({
  candles5mDays: retention(90).describe('Days of 5m candles kept (1..36500) or "forever"; older ones live on as 1h candles'),
  candles1hDays: retention(730).describe('Days of 1h candles kept (1..36500) or "forever"; older ones live on as 1d candles'),
  candles1dDays: retention('forever').describe('Days of 1d candles kept (1..36500) or "forever"'),
});

const DataSchema = z.strictObject({
  dbPath: z
    .string()
    .min(1)
    .default('data/brain.db')
    .describe(
      'SQLite database file, relative to the working directory (":memory:" for a throwaway run); the daemon locks it with <file>.lock beside its real path',
    ),
  retention: RetentionSchema.prefault({}).describe('How long each candle tier is kept before pruning'),
});

/** https/wss, or plain http/ws only to this machine (a `brain sim` started apart): API keys never cross a network in clear. */
const endpoint = (schemes: [secure: string, loopback: string], fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => {
      try {
        const u = new URL(text);
        return u.protocol === `${schemes[0]}:` || (u.protocol === `${schemes[1]}:` && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
      } catch {
        return false;
      }
    }, `must be a ${schemes[0]}:// URL, or ${schemes[1]}://127.0.0.1:PORT for a local simulator`);

const KrakenSchema = z.strictObject({
  restUrl: endpoint(['https', 'http'], 'https://api.kraken.com').describe('Kraken REST base URL; http://127.0.0.1:PORT for a `brain sim` started apart'),
  wsUrl: endpoint(['wss', 'ws'], 'wss://ws.kraken.com/v2').describe('Kraken WebSocket v2 public URL; ws://127.0.0.1:PORT/v2 for a local simulator'),
  wsAuthUrl: endpoint(['wss', 'ws'], 'wss://ws-auth.kraken.com/v2').describe(
    'Kraken WebSocket v2 private URL; ws://127.0.0.1:PORT/v2-auth for a local simulator',
  ),
});

const ModelsSchema = z.strictObject({
  analysis: z.string().min(1).default('claude-sonnet-5-5').describe('Anthropic model that reads the day and writes observations'),
  generation: z.string().min(1).default('claude-opus-5-5').describe('Anthropic model that writes a new strategy or statistics version'),
  review: z.string().min(1).default('claude-sonnet-5-5').describe('Anthropic model that reviews a generated version before the sandbox'),
});

/** USD per million tokens; the defaults are the published list prices of the default models (evolution.md §2.1). */
const PriceSchema = z.strictObject({
  model: z.string().min(1),
  input: z.number().finite().min(0).max(1000),
  output: z.number().finite().min(0).max(1000),
  cacheWrite5m: z.number().finite().min(0).max(1000),
  cacheWrite1h: z.number().finite().min(0).max(1000),
  cacheRead: z.number().finite().min(0).max(1000),
});
export type ModelPrice = z.infer<typeof PriceSchema>;

const DEFAULT_PRICES: ModelPrice[] = [
  { model: 'claude-sonnet-5-5', input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.1 },
  { model: 'claude-opus-5-5', input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
];

const ClientSchema = z.strictObject({
  baseUrl: z.url().default('https://api.anthropic.com').describe('Messages API endpoint (a loopback fake in tests and the demo)'),
  timeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(3600)
    .default(600)
    .describe('Seconds one model call may take before it is abandoned and retried later in the night (10..3600)'),
  maxRetries: z.number().int().min(0).max(10).default(2).describe('Immediate SDK retries of a call on 408/409/429/5xx/529, honouring retry-after (0..10)'),
  thinking: z
    .enum(['adaptive', 'off'])
    .default('adaptive')
    .describe('adaptive = the model decides how much to think (thinking.type adaptive); off = no thinking block requested'),
  effort: z
    .enum(['low', 'medium', 'high', 'xhigh', 'max'])
    .default('high')
    .describe('output_config.effort sent with every call (low, medium, high, xhigh, max)'),
  promptCaching: z.boolean().default(true).describe('Cache the static prompt prefix for 1 h (true/false); false only to measure what caching saves'),
});

const CycleSchema = z.strictObject({
  windowMinutes: z
    .number()
    .int()
    .min(10)
    .max(720)
    .default(180)
    .describe('Minutes after its start a night may keep retrying overloaded or rate-limited calls before it fails closed (10..720)'),
  retryDelaySeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(300)
    .describe('Seconds to wait before retrying a call the API refused as overloaded or rate-limited, unless retry-after asks for longer (1..3600)'),
  maxRepairs: z
    .number()
    .int()
    .min(0)
    .max(5)
    .default(2)
    .describe('Times a candidate refused by the static gates or the reviewer goes back to the generator with the reasons (0..5)'),
  contextTokens: z
    .number()
    .int()
    .min(2000)
    .max(150_000)
    .default(16_000)
    .describe("Token bound of the night's dynamic context (2000..150000); sections are shortened, lowest priority first"),
  offlineAlongside: z.boolean().default(false).describe('With a model key, also run the offline evolver in the same slot (true/false)'),
});

const OrchestratorSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the nightly evolution cycle (true/false); without ANTHROPIC_API_KEY the offline evolver runs instead'),
  schedule: cron.default('0 3 * * *').describe('Cron expression (evaluated in UTC) for the evolution cycle'),
  models: ModelsSchema.prefault({}).describe('Model per pipeline step'),
  client: ClientSchema.prefault({}).describe('Anthropic client: endpoint, timeouts, retries, thinking, caching'),
  cycle: CycleSchema.prefault({}).describe('The nightly cycle: retry window, repairs, context size'),
  prices: z
    .array(PriceSchema)
    .min(1)
    .default(DEFAULT_PRICES)
    .describe(
      'USD per million tokens per model: input, output, cacheWrite5m, cacheWrite1h, cacheRead (TOML [[orchestrator.prices]] tables; every configured model needs one)',
    ),
  maxTokens: z.number().int().min(256).max(128_000).default(16_000).describe('Max output tokens per model call (256..128000)'),
  dailyBudgetUsd: z
    .number()
    .finite()
    .min(0)
    .max(1000)
    .default(5)
    .describe('USD the orchestrator may spend on model calls per UTC day (0..1000); 0 = offline evolver only'),
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
  paperTest: notify('silent', 'A paper test started, or finished with its verdict'),
  nightlyReport: notify(
    'silent',
    "The nightly cycle's change report (hypothesis, diff, metrics, gates, cost) and the end of an evolver run started with /evolve",
  ),
  feed: notify('on', 'The market feed went down or came back'),
  alert: notify('on', 'Supervisor alerts: a scan failure, a failed chore, a refused strategy swap, a child error'),
  selfAudit: notify('silent', 'The result of a self-audit (reconciliation with the venue)'),
  startup: notify('silent', 'The daemon started trading'),
  shutdown: notify('silent', 'The daemon is shutting down'),
  dailyReport: notify('silent', 'The daily report at telegram.dailyReportCron'),
});

const TelegramSchema = z.strictObject({
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

const ControlSchema = z.strictObject({
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
const LogSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('Lowest pino level written (fatal, error, warn, info, debug, trace, silent)'),
  format: z.enum(['auto', 'json', 'pretty']).default('auto').describe('auto = human-readable on a terminal, JSON lines otherwise'),
});

const HealthSchema = z.strictObject({
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

const AuditSchema = z.strictObject({
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

const BackupSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Take the daily online database backup in the daemon (true/false); `brain backup` works either way'),
  schedule: cron.default('45 0 * * *').describe('Cron expression (UTC) of the daily backup'),
  dir: z.string().min(1).default('data/backups').describe('Folder of the backups, relative to the working directory'),
  keep: z.number().int().min(1).max(3650).default(14).describe('Backups kept (1..3650); older ones are deleted after each new one'),
});

/** How long an order's outcome may stay unheard before it is asked of Kraken by cl_ord_id (the position machine's deadlines). */
const OrdersSchema = z.strictObject({
  ackTimeoutSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(600)
    .default(15)
    .describe(
      'Seconds an order may go without an answer from Kraken before its outcome counts as unknown and it is looked up by cl_ord_id, never resent (0.5..600)',
    ),
  settleTimeoutSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(3600)
    .default(30)
    .describe('Seconds an accepted order may wait for its fills on the executions feed before they are asked of Kraken (0.5..3600)'),
  requerySeconds: z.number().finite().min(0.1).max(600).default(5).describe('Seconds between two lookups of an order Kraken did not show (0.1..600)'),
  maxQueries: z.number().int().min(1).max(20).default(3).describe('Lookups that must all miss before an order is taken as never placed (1..20)'),
  restTimeoutSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(120)
    .default(10)
    .describe('Seconds a Kraken REST call may take; past it an order call counts as maybe placed and is looked up by cl_ord_id (0.5..120)'),
  krakenTier: z
    .enum(['starter', 'intermediate', 'pro'])
    .default('starter')
    .describe(
      "The Kraken account's verification tier (starter, intermediate, pro): the private REST call budget the client stays under while it sends and looks up orders",
    ),
  balanceRecheckSeconds: z
    .number()
    .finite()
    .min(0.5)
    .max(3600)
    .default(60)
    .describe('Seconds between attempts of a venue balance check that waits for orders in flight to settle (0.5..3600)'),
});

const IsolationSchema = z.strictObject({
  requireNamespacesInLive: z
    .boolean()
    .default(true)
    .describe(
      "Live mode refuses to start unless strategy children run in their own user+network namespace (unshare -Urn); false accepts Deno's permissions and prlimit alone",
    ),
});

const LeaseSchema = z.strictObject({
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
const SecretsSchema = z.strictObject({
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
  maxRejectShare: 'Share of orders the venue rejects, after minOrdersForRates orders, that rolls back (0..1]',
  maxReconcileMismatches: 'Reconciliation mismatches (positions abandoned after asking the venue) that roll back (1..100)',
  minOrdersForRates: 'Orders (fills for slippage and fees) needed before reject, slippage and fee rates are compared (1..1000)',
  maxSlippageFactor: 'Mean live slippage beyond this multiple of the assumed slippage rolls back (1..100)',
  maxFeeFactor: 'Mean live fee rate beyond this multiple of the assumed taker fee rolls back (1..100)',
  cusumFalseAlarm: 'False-alarm rate per 100 trades the CUSUM threshold is calibrated to by bootstrapping the backtest trades (0.001..0.2)',
  underwaterFactor: "Time under water beyond this multiple of the backtest's longest rolls back (1..20)",
  cooldownHours: 'Hours after a rollback (or a deploy) before the watch may roll back again (0..720)',
};

const ConfigObjectSchema = z.strictObject({
  mode: z.enum(['paper', 'live']).default('paper').describe('paper = simulated fills on live prices; live = real Kraken orders (needs KRAKEN_API_KEY/SECRET)'),
  pairs: z
    .array(PairSchema)
    .min(1)
    .default([...PAIRS])
    .describe(`Pairs to trade, a subset of ${PAIRS.join(', ')} (comma list in env)`),
  market: MarketSchema.prefault({}).describe('Candles and scanning'),
  paper: z
    .strictObject({
      startingBalanceUsd: z.number().finite().min(1).max(1e9).default(10_000).describe('USD balance a paper account starts with (1..1e9)'),
    })
    .prefault({})
    .describe('Paper trading'),
  trading: TradingSchema.prefault({}).describe('Fees and slippage shared by backtest, paper and live accounting'),
  data: DataSchema.prefault({}).describe('Storage'),
  kraken: KrakenSchema.prefault({}).describe('Kraken endpoints (ignored with `brain run --sim`, which starts its own simulator)'),
  orchestrator: OrchestratorSchema.prefault({}).describe('Nightly AI evolution cycle'),
  evolution: EvolutionSchema.prefault({}).describe('Promotion policy, paper test, deploy and offline evolver (src/evolution)'),
  telegram: TelegramSchema.prefault({}).describe('Telegram control and notifications'),
  control: ControlSchema.prefault({}).describe('The local control channel of the running daemon (used by the brain CLI)'),
  log: LogSchema.prefault({}).describe('Logging'),
  health: HealthSchema.prefault({}).describe('Health and metrics endpoint (loopback only)'),
  audit: AuditSchema.prefault({}).describe('Daily self-audit of fills, ledger, positions and venue balances'),
  backup: BackupSchema.prefault({}).describe('Daily online database backup'),
  orders: OrdersSchema.prefault({}).describe('Order deadlines: when an unheard order is asked of Kraken by cl_ord_id'),
  isolation: IsolationSchema.prefault({}).describe('Sandbox isolation the daemon requires before trading live'),
  lease: LeaseSchema.prefault({}).describe('One trader per Kraken API key: the lease a live daemon holds in its database (and in evolution.redisUrl when set)'),
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
  if (c.evolution.runner === 'redis' && c.evolution.redisUrl === '') {
    fail(['evolution', 'redisUrl'], 'must be set when evolution.runner = "redis" (redis://HOST:PORT of the job queue); or set evolution.runner = "inProcess"');
  }
  const priced = new Set(c.orchestrator.prices.map((p) => p.model));
  for (const [step, model] of Object.entries(c.orchestrator.models)) {
    if (!priced.has(model))
      fail(['orchestrator', 'models', step], `model "${model}" has no price row: add an [[orchestrator.prices]] table with model = "${model}"`);
  }
  if (c.telegram.updates === 'webhook' && c.telegram.webhookUrl === '') {
    fail(
      ['telegram', 'webhookUrl'],
      'must be set when telegram.updates = "webhook": the public https:// URL of your reverse proxy, e.g. "https://bot.example.com/telegram"; or set telegram.updates = "polling"',
    );
  }
  if (c.telegram.updates === 'webhook' && !c.secrets.telegramWebhookSecret) {
    fail(
      ['telegram', 'updates'],
      'is "webhook", which needs TELEGRAM_WEBHOOK_SECRET in the environment or .env (16..256 of A-Z a-z 0-9 _ -, e.g. `openssl rand -hex 32`) so forged updates are refused; or use "polling"',
    );
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
