/** Config sections of the nightly AI cycle: models, their prices, the Messages API client, the cycle's window and budgets. */
import { z } from 'zod';
import { cron } from './shared.ts';

export const ModelsSchema = z.strictObject({
  analysis: z.string().min(1).default('claude-sonnet-5-5').describe('Anthropic model that reads the day and writes observations'),
  generation: z.string().min(1).default('claude-opus-5-5').describe('Anthropic model that writes a new strategy or statistics version'),
  review: z.string().min(1).default('claude-sonnet-5-5').describe('Anthropic model that reviews a generated version before the sandbox'),
});

/** USD per million tokens; the defaults are the published list prices of the default models (evolution.md §2.1). */
export const PriceSchema = z.strictObject({
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

export const ClientSchema = z.strictObject({
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

export const CycleSchema = z.strictObject({
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

export const OrchestratorSchema = z.strictObject({
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
