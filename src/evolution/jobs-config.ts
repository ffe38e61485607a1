/**
 * `[evolution]` runner, redisUrl and `[evolution.queue]`: where the evolver's jobs run. The in-process
 * pool is the default and needs nothing; "redis" sends them through BullMQ to `brain worker` processes
 * (docs/scale-out.md). Mounted by config.ts; config/settings.toml shows every key at its default.
 */
import { z } from 'zod';

export const RUNNERS = ['inProcess', 'redis'] as const;

export const RunnerSchema = z
  .enum(RUNNERS)
  .default('inProcess')
  .describe(
    'Where evolver jobs run: inProcess = sandbox children of this process; redis = `brain worker` processes on any machine, through evolution.redisUrl',
  );

export const RedisUrlSchema = z
  .string()
  .default('')
  .refine((text) => {
    if (text === '') return true;
    try {
      const u = new URL(text);
      return ['redis:', 'rediss:'].includes(u.protocol) && u.hostname !== '' && u.password === '' && u.username === '';
    } catch {
      return false;
    }
  }, 'must be empty or redis://HOST:PORT[/DB] (rediss:// for TLS), without a user or password: the password comes from REDIS_PASSWORD')
  .describe('Redis of the job queue, shared by the daemon and `brain worker`; when set, live mode also leases the Kraken key there ("" = no Redis)');

export const QueueSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1..64 letters, digits, - or _')
    .default('evolver')
    .describe('BullMQ queue the evolver fills and `brain worker` takes from; accounts sharing workers use one name'),
  lockSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe(
      "Seconds a worker's claim on a job lives unrenewed (renewed every half of it while the worker runs); longer than any pause of its event loop (1..3600)",
    ),
  stalledCheckSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(30)
    .describe("Seconds between workers' checks for jobs whose worker died: such a job runs elsewhere after about lockSeconds + this (1..3600)"),
  maxStalled: z.number().int().min(0).max(10).default(2).describe('Times a job whose worker died is put back in the queue before it fails (0..10)'),
  keepHours: z
    .number()
    .finite()
    .min(0.01)
    .max(720)
    .default(24)
    .describe('Hours finished jobs and their results stay in Redis; a resubmission within them is answered without judging again (0.01..720)'),
  blobDays: z.number().finite().min(0.01).max(90).default(7).describe('Days candles, bundles and contexts stay in Redis after their last use (0.01..90)'),
  cacheDir: z
    .string()
    .min(1)
    .default('data/worker-cache')
    .describe('Folder where `brain worker` keeps the candles and bundles it fetched, by content hash, relative to its working directory'),
});
export type QueueConfig = z.infer<typeof QueueSchema>;
