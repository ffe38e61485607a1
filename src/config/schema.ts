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

export const NOTIFICATION_LEVELS = ['off', 'silent', 'alert'] as const;
const notify = (level: (typeof NOTIFICATION_LEVELS)[number], what: string) =>
  z.enum(NOTIFICATION_LEVELS).default(level).describe(`${what}: off = never sent, silent = sent without sound, alert = sent with sound`);

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

const NotificationsSchema = z.strictObject({
  trades: notify('silent', 'Order fills and closed positions'),
  breaker: notify('alert', 'Circuit breaker changes (reducing, halted, resumed)'),
  rollback: notify('alert', 'Automatic strategy rollbacks'),
  deploy: notify('alert', 'A new strategy version going to paper test or live'),
  orchestrator: notify('silent', 'Nightly cycle summary'),
  dailySummary: notify('silent', 'Daily P&L summary at 00:00 UTC'),
  errors: notify('alert', 'Venue, data or runtime errors that stop trading'),
});

const TelegramSchema = z.strictObject({
  allowedUserIds: z.array(z.number().int().positive()).default([])
    .describe('Telegram user ids allowed to command the bot (comma list in env); notifications go to their private chats; empty = nobody'),
  notifications: NotificationsSchema.prefault({}).describe('Level per notification kind'),
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
  pairs: z.array(PairSchema).min(1).default([...PAIRS]).describe(`Pairs to trade, a subset of ${PAIRS.join(', ')} (comma list in env)`),
  market: MarketSchema.prefault({}).describe('Candles and scanning'),
  paper: z.strictObject({
    startingBalanceUsd: z.number().finite().min(1).max(1e9).default(10_000).describe('USD balance a paper account starts with (1..1e9)'),
  }).prefault({}).describe('Paper trading'),
  trading: TradingSchema.prefault({}).describe('Fees and slippage shared by backtest, paper and live accounting'),
  data: DataSchema.prefault({}).describe('Storage'),
  orchestrator: OrchestratorSchema.prefault({}).describe('Nightly AI evolution cycle'),
  evolution: EvolutionSchema.prefault({}).describe('Promotion policy, paper test, deploy and offline evolver (src/evolution)'),
  telegram: TelegramSchema.prefault({}).describe('Telegram control and notifications'),
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
