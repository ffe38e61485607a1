/**
 * The evolver's jobs on a remote worker (`brain worker`): each slot rebuilds the PolicyContext a job
 * names from its blobs — candles, bundles and settings fetched once by hash and cached — and keeps it
 * warm: the parent's sandbox child with the dataset loaded, the incumbent's baseline computed once per
 * context (the same deterministic replay the enqueuing side ran). The job then runs through the same
 * `evolverWorker` as in-process, so the verdict is the same.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { connectRedis, type RedisLink } from '../redis/connect.ts';
import type { EvolutionConfig } from './config.ts';
import { evolverWorker } from './evolver.ts';
import type { JobWorker } from './jobs.ts';
import { redisBlobs, type BlobStore } from './jobs-blobs.ts';
import { KEY_PREFIX } from './jobs-redis.ts';
import { CONTEXT_FORMAT, type RemoteContext, type RemoteEvolverJob, type RemoteVersion } from './jobs-remote.ts';
import { startWorkerHost, type WorkerHost } from './jobs-worker.ts';
import { decodeJson, decodeMarketData, encodeJson } from './jobs-wire.ts';
import { baselineOf, type PolicyContext } from './policy.ts';
import { startVersionRunner } from './setup.ts';
import type { VersionRunner } from './submit.ts';
import { BrainError } from '../contract/errors.ts';

/** Contexts (and sandbox children) a slot keeps: the current run's and one before it. */
const KEPT = 2;

type Warm = { base: Omit<PolicyContext, 'trials'>; parent: VersionRunner };

/** A small least-recently-used map whose evicted values are handed to `drop`. */
function lru<V>(size: number, drop: (v: V) => void) {
  const map = new Map<string, V>();
  return {
    get(key: string, make: () => V): V {
      const hit = map.get(key) ?? make();
      map.delete(key);
      map.set(key, hit);
      for (const [k, v] of map) if (map.size > size && k !== key) map.delete(k), drop(v);
      return hit;
    },
    delete: (key: string) => void map.delete(key),
    values: () => [...map.values()],
  };
}

/** One slot: a JobWorker that judges RemoteEvolverJobs on warm children. */
export function remoteEvolverWorker(blobs: BlobStore, log: Logger): JobWorker<RemoteEvolverJob, string> {
  const textOf = async (hash: string) => Buffer.from(await blobs.get(hash)).toString('utf8');
  const close = (r: Promise<VersionRunner>) => void r.then((x) => x.close()).catch(() => undefined);
  const runners = lru<Promise<VersionRunner>>(KEPT, close);
  const runnerFor = (v: RemoteVersion) => runners.get(`${v.id}:${v.bundle}`, async () => startVersionRunner({ id: v.id, bundle: await textOf(v.bundle) }, log));
  const contexts = lru<Promise<Warm>>(KEPT, () => undefined);

  const warm = async (hash: string): Promise<Warm> => {
    const spec = decodeJson<RemoteContext>(await textOf(hash));
    if (spec.format !== CONTEXT_FORMAT)
      throw new BrainError(
        `job context ${hash} is in format ${String(spec.format)}, this worker reads ${CONTEXT_FORMAT}: run the same brain version on the daemon and the workers`,
        { domain: 'evolution', code: 'format_mismatch', retryable: false },
      );
    const data = decodeMarketData(await blobs.get(spec.data), `candles ${spec.data}`);
    const [parent, incumbent] = await Promise.all([runnerFor(spec.parent), runnerFor(spec.incumbent)]);
    const started = performance.now();
    const baseline = await baselineOf(incumbent.runner, spec.incumbent.params, data, spec.config, spec.windows);
    log.info(
      { context: hash.slice(0, 12), steps: data.time.length, pairs: data.pairs.length, baselineSeconds: ((performance.now() - started) / 1000).toFixed(1) },
      'job context warm',
    );
    return {
      parent,
      base: {
        data,
        config: spec.config,
        windows: spec.windows,
        evolution: spec.evolution,
        risk: spec.risk,
        rollback: spec.rollback,
        baseline,
        now: () => Date.now(),
      },
    };
  };

  return {
    async run(payload) {
      const { base, parent } = await contexts
        .get(payload.context, () => warm(payload.context))
        .catch((err: unknown) => {
          // Not kept: the next job naming this context tries again (its blobs may have been put since).
          contexts.delete(payload.context);
          throw err;
        });
      const trials = payload.trials === null ? [] : decodeJson<ReturnType<PolicyContext['trials']>>(await textOf(payload.trials));
      const out = await evolverWorker({ ...base, trials: () => trials }, parent.runner, parent.specs, async () => undefined).run(payload.job, {
        signal: new AbortController().signal,
        report: () => undefined,
      });
      return encodeJson(out);
    },
    async close() {
      await Promise.allSettled(runners.values().map(async (r) => (await r).close()));
    },
  };
}

export interface EvolverWorkersOptions {
  readonly link: RedisLink;
  readonly evolution: EvolutionConfig;
  /** Jobs at once in this process (one warm sandbox child each). */
  readonly slots: number;
  /** Where fetched blobs are cached (absolute). */
  readonly cacheDir: string;
  readonly log: Logger;
}

/** `brain worker`: takes the evolver's jobs from the configured queue until closed. */
export async function startEvolverWorkers(o: EvolverWorkersOptions): Promise<WorkerHost> {
  const q = o.evolution.queue;
  const client = await connectRedis(o.link, 'brain worker', o.log);
  const blobs = redisBlobs(client, { prefix: KEY_PREFIX, ttlDays: q.blobDays, cacheDir: o.cacheDir });
  return startWorkerHost<RemoteEvolverJob>({
    link: o.link,
    client,
    queue: q.name,
    slots: o.slots,
    lockMs: q.lockSeconds * 1000,
    stalledMs: q.stalledCheckSeconds * 1000,
    maxStalled: q.maxStalled,
    keepSeconds: Math.round(q.keepHours * 3600),
    name: `${hostname()}:${process.pid}`,
    log: o.log,
    createWorker: async () => remoteEvolverWorker(blobs, o.log),
  });
}
