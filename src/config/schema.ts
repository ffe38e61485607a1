/**
 * The daemon's settings as one zod schema: every key has a default and a description, so
 * `ConfigSchema.parse({})` is the built-in configuration and `brain config --keys` documents itself.
 * Risk and rollback limits reuse the contract's schemas (DESIGN inv. 3: limits live in code and config).
 * Secrets sit in their own branch that only the environment / .env fill (DESIGN inv. 7).
 * Each section's schema is in src/config/sections/, by concern; this file joins them and checks the keys
 * that span sections.
 */
import { z } from 'zod';
import { PAIRS } from '../contract/pairs.ts';
import { PairSchema } from '../contract/pair-schemas.ts';
import { RiskLimitsSchema, RollbackLimitsSchema } from '../contract/risk.ts';
import { EvolutionSchema } from '../evolution/config.ts';
import { DataSchema, AuditSchema, BackupSchema, ControlSchema, HealthSchema, IsolationSchema, LeaseSchema, LogSchema } from './sections/operations.ts';
import { OrchestratorSchema } from './sections/orchestrator.ts';
import { SecretsSchema } from './sections/secrets.ts';
import { TelegramSchema } from './sections/telegram.ts';
import { KrakenSchema, MarketSchema, OrdersSchema, TradingSchema } from './sections/trading.ts';

export { LOG_LEVELS } from './sections/operations.ts';
export type { ModelPrice } from './sections/orchestrator.ts';
export { SECRET_ENV, type SecretName } from './sections/secrets.ts';
export { NOTIFICATION_LEVELS } from './sections/telegram.ts';
export { RISK_DESCRIPTIONS, ROLLBACK_DESCRIPTIONS } from './sections/limits.ts';

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
