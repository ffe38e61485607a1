/**
 * The evolver's jobs for remote workers, enqueuing side. A job carries content hashes, never a path:
 * its context (the candles, the parent's and the incumbent's bundles, costs, windows and policy — put
 * once per run) and, for the full gates, the ledger's trial list as it stands when the job is
 * submitted (the evolver writes the ledger only after a batch returns, so in-process workers read the
 * same list). The worker rebuilds the PolicyContext from them (jobs-remote-worker.ts), so a remote
 * verdict is the in-process one.
 */
import type { Logger } from 'pino';
import type { EngineConfig } from '../backtest/engine.ts';
import type { Params, RiskLimits, RollbackLimits } from '../contract/index.ts';
import { connectRedis, redactRedisUrl, type RedisLink } from '../redis/connect.ts';
import type { EvolutionConfig } from './config.ts';
import type { EvolverJob, EvolverJobResult } from './evolver.ts';
import type { JobRunner } from './jobs.ts';
import { redisBlobs, type BlobStore } from './jobs-blobs.ts';
import { KEY_PREFIX, redisJobRunner } from './jobs-redis.ts';
import { encodeJson, encodeMarketData } from './jobs-wire.ts';
import type { PolicyContext } from './policy.ts';
import type { EvaluationWindows } from './windows.ts';
import { BrainError } from '../contract/errors.ts';

export const CONTEXT_FORMAT = 'brain-evolver-context-1';

/** A strategy version by id and the hash of its bundle blob. */
export interface RemoteVersion {
  readonly id: string;
  readonly bundle: string;
}

/** What every job of one run is judged on; stored as a blob, named by its hash in each job. */
export interface RemoteContext {
  readonly format: typeof CONTEXT_FORMAT;
  readonly data: string;
  readonly parent: RemoteVersion;
  readonly incumbent: RemoteVersion & { readonly params: Params };
  readonly config: EngineConfig;
  readonly windows: EvaluationWindows;
  readonly evolution: EvolutionConfig;
  readonly risk: RiskLimits;
  readonly rollback: RollbackLimits;
}

export interface RemoteEvolverJob {
  readonly context: string;
  /** The ledger's trials at submission (full gates only: the deflated Sharpe reads them). */
  readonly trials: string | null;
  readonly job: EvolverJob;
}

export interface EvolverVersions {
  readonly parent: { readonly id: string; readonly bundle: string };
  readonly incumbent: { readonly id: string; readonly bundle: string };
}

const text = (s: string) => Buffer.from(s, 'utf8');

/** The payload of each evolver job, its blobs put on first use. */
export function remotePayloads(blobs: BlobStore, ctx: PolicyContext, versions: EvolverVersions): (job: EvolverJob) => Promise<RemoteEvolverJob> {
  let context: Promise<string> | null = null;
  const build = async (): Promise<string> => {
    const spec: RemoteContext = {
      format: CONTEXT_FORMAT,
      data: await blobs.put(encodeMarketData(ctx.data)),
      parent: { id: versions.parent.id, bundle: await blobs.put(text(versions.parent.bundle)) },
      incumbent: { id: versions.incumbent.id, bundle: await blobs.put(text(versions.incumbent.bundle)), params: ctx.baseline.params },
      config: ctx.config,
      windows: ctx.windows,
      evolution: ctx.evolution,
      risk: ctx.risk,
      rollback: ctx.rollback,
    };
    return blobs.put(text(encodeJson(spec)));
  };
  const contextHash = () => {
    context ??= build();
    context.catch(() => (context = null));
    return context;
  };
  return async (job) => ({
    context: await contextHash(),
    trials: job.kind === 'judge' ? await blobs.put(text(encodeJson(ctx.trials()))) : null,
    job,
  });
}

export interface RedisEvolverSetup {
  readonly link: RedisLink;
  readonly evolution: EvolutionConfig;
  readonly context: PolicyContext;
  readonly versions: EvolverVersions;
  readonly log?: Logger;
}

/** The evolver's JobRunner on the configured Redis; refuses to start when no `brain worker` listens. */
export async function redisEvolverJobs(s: RedisEvolverSetup): Promise<JobRunner<EvolverJob, EvolverJobResult>> {
  const q = s.evolution.queue;
  const client = await connectRedis(s.link, 'evolution.runner = "redis"', s.log);
  const blobs = redisBlobs(client, { prefix: KEY_PREFIX, ttlDays: q.blobDays });
  const payload = remotePayloads(blobs, s.context, s.versions);
  const runner = await redisJobRunner<EvolverJob, EvolverJobResult>({
    link: s.link,
    client,
    queue: q.name,
    keepSeconds: Math.round(q.keepHours * 3600),
    attempts: 3,
    encode: (_id, job) => payload(job),
    decode: (out) => out as EvolverJobResult,
    ...(s.log ? { log: s.log } : {}),
  });
  const workers = await runner.workers();
  if (workers === 0) {
    await runner.close();
    throw new BrainError(
      `no brain worker takes jobs from queue "${q.name}" at ${redactRedisUrl(s.link.url)}: start \`brain worker\` on a worker machine (docs/scale-out.md), or set evolution.runner = "inProcess"`,
      { domain: 'evolution', code: 'no_worker', retryable: true },
    );
  }
  s.log?.info({ queue: q.name, redis: redactRedisUrl(s.link.url), workers }, 'evolver jobs go to the Redis queue');
  return runner;
}
