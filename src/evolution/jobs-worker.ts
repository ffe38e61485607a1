/**
 * The other end of jobs-redis.ts, what `brain worker` runs: a BullMQ Worker taking jobs from the queue,
 * `slots` at a time, each slot a long-lived JobWorker (for the evolver: one warm sandbox child with its
 * datasets kept) created on first use. Guarantees:
 * - judged once: a result is stored under the job id (SET NX) before the job completes, and a job
 *   delivered again (a stall, a worker that died after judging, a resubmission) returns the stored
 *   result without running;
 * - a worker that dies mid-job loses nothing: its lock (lockMs, renewed every lockMs/2 while it lives)
 *   lapses, another worker's stalled check puts the job back, and it runs elsewhere;
 * - an evaluation that throws is that job's verdict (not retried, as in the in-process pool); only
 *   errors marked `retryable` are tried again, up to the job's attempts.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { redisOptions, type Redis, type RedisLink } from '../redis/connect.ts';
import type { JobWorker } from './jobs.ts';
import { KEY_PREFIX, queueKeys, type WireJob } from './jobs-redis.ts';
import { decodeJson } from './jobs-wire.ts';
import { describeError, toErrorInfo } from '../contract/errors.ts';

export interface WorkerHostOptions<P> {
  readonly link: RedisLink;
  /** A checked connection (connectRedis) for results and the cancel channel; the host closes it. */
  readonly client: Redis;
  readonly queue: string;
  /** Jobs at once in this process, each on its own JobWorker. */
  readonly slots: number;
  /** How long a job's lock lives without renewal, ms: a dead worker's job is retried after at most lockMs + stalledMs. */
  readonly lockMs: number;
  readonly stalledMs: number;
  /** Times a job may be put back after its worker stalled or died before it fails. */
  readonly maxStalled: number;
  /** How long a stored result is kept, seconds (at least as long as the queue keeps finished jobs). */
  readonly keepSeconds: number;
  /** Shown as the job's processedBy (host:pid). */
  readonly name: string;
  createWorker(slot: number): Promise<JobWorker<P, string>>;
  readonly log: Logger;
}

export interface WorkerHost {
  /** Resolves once the worker is connected and taking jobs. */
  readonly ready: Promise<void>;
  /** Jobs this process ran to an output (not those answered from a stored result). */
  readonly judged: () => number;
  /** Stops taking jobs; waits for the running ones unless `force`. */
  close(force?: boolean): Promise<void>;
}

export function startWorkerHost<P>(o: WorkerHostOptions<P>): WorkerHost {
  const keys = queueKeys(o.queue);
  const slots: Array<Promise<JobWorker<P, string>> | null> = Array.from({ length: o.slots }, () => null);
  const busy = new Array<boolean>(o.slots).fill(false);
  let judged = 0;

  const run = async (job: Job<WireJob, string>, signal: AbortSignal | undefined): Promise<string> => {
    const stored = await o.client.get(keys.result(job.id!));
    if (stored !== null) {
      o.log.info({ jobId: job.id, name: job.name }, 'job already judged: returning the stored result');
      return stored;
    }
    const slot = busy.indexOf(false);
    busy[slot] = true;
    try {
      const worker = await (slots[slot] ??= o.createWorker(slot));
      const output = await worker.run(decodeJson<P>(job.data.payload), {
        signal: signal ?? new AbortController().signal,
        report: (note) => void job.updateProgress(note).catch(() => undefined),
      });
      judged += 1;
      // The first result stored wins: a twin run (a false stall) returns the same output.
      await o.client.set(keys.result(job.id!), output, 'EX', o.keepSeconds, 'NX');
      return (await o.client.get(keys.result(job.id!))) ?? output;
    } catch (err) {
      if ((err as { retryable?: boolean }).retryable === true) throw err;
      // failedReason is text: the code leads it, so the daemon's RemoteJobError reads the code back.
      throw new UnrecoverableError(describeError(toErrorInfo(err)));
    } finally {
      busy[slot] = false;
    }
  };

  const worker = new Worker<WireJob, string>(o.queue, (job, _token, signal) => run(job, signal), {
    connection: redisOptions(o.link),
    prefix: KEY_PREFIX,
    name: o.name,
    concurrency: o.slots,
    lockDuration: o.lockMs,
    stalledInterval: o.stalledMs,
    maxStalledCount: o.maxStalled,
    removeOnComplete: { age: o.keepSeconds },
    removeOnFail: { age: o.keepSeconds },
  });
  worker.on('error', (err) => o.log.warn({ err }, 'worker connection error; retrying'));
  worker.on('active', (job) => o.log.debug({ jobId: job.id, name: job.name }, 'job started'));
  worker.on('completed', (job) => o.log.info({ jobId: job.id, name: job.name }, 'job done'));
  worker.on('failed', (job, err) => o.log.warn({ jobId: job?.id, name: job?.name, err: err.message }, 'job failed'));
  worker.on('stalled', (jobId) => o.log.warn({ jobId }, 'a job whose worker stopped renewing its lock goes back to the queue'));

  const subscriber = o.client.duplicate();
  subscriber.on('error', (err: Error) => o.log.warn({ err: err.message }, 'cancel channel connection error; reconnecting'));
  subscriber.on('message', (_channel, jobId: string) => {
    if (worker.cancelJob(jobId, 'cancelled by the enqueuing side')) o.log.info({ jobId }, 'job cancelled');
  });
  const ready = Promise.all([worker.waitUntilReady(), subscriber.subscribe(keys.cancel)]).then(() => undefined);

  return {
    ready,
    judged: () => judged,
    async close(force = false) {
      await worker.close(force);
      subscriber.disconnect();
      await Promise.allSettled(slots.map(async (w) => (await w)?.close()));
      await o.client.quit().catch(() => o.client.disconnect());
    },
  };
}
