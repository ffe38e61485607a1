/**
 * The `[evolution]` settings: the promotion policy's thresholds, the paper test, deploy and the offline
 * evolver. Kept beside the code that reads them (src/config/schema.ts only mounts the section);
 * config/settings.toml shows every key at its default with its unit and range. The rollback watch's
 * thresholds are risk limits and live in `[rollback]` (config/risk_limits.toml, src/contract/risk.ts).
 */
import { z } from 'zod';
import { QueueSchema, RedisUrlSchema, RunnerSchema } from './jobs-config.ts';

const share = z.number().finite().min(0).max(1);
/** A 31-bit seed, default 1: what it makes repeatable is said by its description. */
const seed = (description: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1)
    .describe(description);

export const PolicySchema = z.strictObject({
  dataDays: z
    .number()
    .int()
    .min(7)
    .max(3650)
    .default(90)
    .describe('Days of stored candles (up to now) a candidate is judged on inside the daemon; the CLI takes --data/--from/--to instead (7..3650)'),
  holdoutDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .default(14)
    .describe('Most recent days of candles never used for selection: scored once for the final candidate and reported apart (0..365)'),
  walkForwardWindows: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(4)
    .describe('Out-of-sample parts of the walk-forward; the OOS-difference gate reads the days they cover (1..20)'),
  minTrades: z.number().int().min(1).max(100_000).default(30).describe('Trades the candidate must make over the selection window (1..100000)'),
  edgeConfidence: z
    .number()
    .finite()
    .min(0.5)
    .max(0.999)
    .default(0.9)
    .describe('Level of the bootstrap interval of the daily OOS return difference vs the incumbent; its lower bound must exceed minEdge (0.5..0.999)'),
  minEdge: z
    .number()
    .finite()
    .min(-0.01)
    .max(0.01)
    .default(0)
    .describe('Mean daily OOS return the candidate must beat the incumbent by, at the interval lower bound (-0.01..0.01)'),
  bootstrapRuns: z.number().int().min(100).max(100_000).default(2000).describe('Resamples of the OOS-difference bootstrap (100..100000)'),
  bootstrapBlockDays: z
    .number()
    .int()
    .min(1)
    .max(30)
    .default(5)
    .describe('Block length of the stationary bootstrap, days; keeps the serial correlation of daily returns (1..30)'),
  minDsr: share.default(0.9).describe("Deflated Sharpe ratio over the ledger's cumulative trial count that the candidate must reach (0..1)"),
  drawdownLimitShare: z
    .number()
    .finite()
    .gt(0)
    .max(1)
    .default(1)
    .describe('Monte Carlo p95 drawdown must stay within this share of risk.maxDrawdownFraction (>0..1)'),
  jitterMinShare: share
    .default(1)
    .describe(
      'Share of the ±10 % jitter runs (each declared parameter nudged on its own) that must still beat the incumbent: 1 = no nudge may flip the result (0..1)',
    ),
  seed: seed('Seed of the bootstrap resampling: the same data give the same verdict (0..2^31-1)'),
});

export const ScreenSchema = z.strictObject({
  days: z.number().int().min(1).max(365).default(14).describe('Length of the cheap screen window, days, the last ones of the in-sample region (1..365)'),
  minTrades: z.number().int().min(0).max(10_000).default(3).describe('Trades a candidate must make in the screen window to go on (0..10000)'),
  maxLoss: share.default(0.05).describe('A candidate losing more than this fraction of equity in the screen window stops there (0..1)'),
});

export const PaperSchema = z.strictObject({
  minDays: z.number().finite().min(0.01).max(90).default(3).describe('Shortest paper test, days; it runs on until minTrades or maxDays (0.01..90)'),
  maxDays: z.number().finite().min(0.01).max(180).default(10).describe('Longest paper test, days: with fewer than minTrades by then it fails (0.01..180)'),
  minTrades: z.number().int().min(0).max(10_000).default(5).describe('Shadow trades a paper test needs before it is judged (0..10000)'),
  maxConcurrent: z.number().int().min(1).max(8).default(2).describe('Paper tests running at once, each with its own sandbox child; more wait scheduled (1..8)'),
  maxUnderperformance: share.default(0.01).describe('The shadow may trail the incumbent over the same window by at most this return fraction (0..1)'),
  maxDriftShare: share
    .default(0.2)
    .describe("Share of the shadow's trades that may differ from its own backtest replay of the window before it fails as drift (0..1)"),
});

export const DeploySchema = z.strictObject({
  canarySizeFraction: share
    .default(0)
    .describe('Live mode only: a promoted version trades at this fraction of its size until canaryTrades closed trades; 0 = off (0..1)'),
  canaryTrades: z.number().int().min(1).max(1000).default(10).describe('Closed trades a live canary makes before it gets the full size (1..1000)'),
});

export const EvolverSchema = z.strictObject({
  budgetMinutes: z
    .number()
    .finite()
    .gt(0)
    .max(1440)
    .default(10)
    .describe('Default wall-clock budget of `brain evolve` and the nightly slot, minutes (>0..1440)'),
  seed: seed('Seed of the search: the same seed, data and budget give the same candidates (0..2^31-1)'),
  rungSize: z.number().int().min(2).max(4096).default(64).describe('Candidates sampled per successive-halving round (2..4096)'),
  keepFraction: z.number().finite().gt(0).lt(1).default(0.25).describe('Share of a round kept for the next, longer rung (0..1, exclusive)'),
  fullGates: z.number().int().min(1).max(64).default(8).describe('Best candidates of a round that go through the full gates (1..64)'),
  workers: z.number().int().min(1).max(16).default(1).describe('Sandbox children evaluating candidates at once, one warm child each (1..16)'),
});

export const EvolutionSchema = z.strictObject({
  runner: RunnerSchema,
  redisUrl: RedisUrlSchema,
  policy: PolicySchema.prefault({}).describe('Promotion policy: the gates a candidate passes against the incumbent'),
  screen: ScreenSchema.prefault({}).describe('The cheap first stage of the cascade'),
  paper: PaperSchema.prefault({}).describe('Paper test of a candidate that passed the gates'),
  deploy: DeploySchema.prefault({}).describe('Deploying a version that passed its paper test'),
  evolver: EvolverSchema.prefault({}).describe('The offline evolver (no model key needed)'),
  queue: QueueSchema.prefault({}).describe('The job queue of evolution.runner = "redis" and its workers'),
});
export type EvolutionConfig = z.infer<typeof EvolutionSchema>;
