/**
 * The JobRunner on BullMQ (evolution.md §5.3): the same submit/progress/result/cancel as the in-process
 * pool, with the work done by `brain worker` processes on any machine (jobs-worker.ts). A job's BullMQ
 * id is the sha256 of its payload, so the same content submitted twice — by a retry, a restart, or two
 * daemons sharing the queue — is one job, judged once; its result comes back here and only the
 * enqueuing side writes the ledger. Completion arrives by QueueEvents; a sweep also reads each
 * outstanding job's state, so a missed event never strands a result, and a job Redis no longer holds
 * (restarted without its append-only file) is added again.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { redisOptions, type Redis, type RedisLink } from '../redis/connect.ts';
import { entryViews, isFinal, JobCancelledError, jobEntry, type JobEntry, type JobRunner, type JobState } from './jobs.ts';
import { sha256 } from '../hash.ts';
import { decodeJson, encodeJson } from './jobs-wire.ts';
import { BrainError, parseDescribedError, type ErrorInfo } from '../contract/errors.ts';

/** Key prefix of the queues and of what rides beside them (results, blobs, the cancel channel). */
export const KEY_PREFIX = 'brain';

export const queueKeys = (queue: string) => ({
  result: (jobId: string) => `${KEY_PREFIX}:${queue}:result:${jobId}`,
  cancel: `${KEY_PREFIX}:${queue}:cancel`,
});

/** The job data on the wire: the payload as encodeJson text, so NaN and ±Infinity survive. */
export interface WireJob {
  readonly payload: string;
}

export interface RedisRunnerOptions<I, O> {
  readonly link: RedisLink;
  /** A checked connection (connectRedis) for the cancel channel; the runner closes it. */
  readonly client: Redis;
  readonly queue: string;
  /** What a remote worker needs to run `input` (plain data; blobs put beforehand). */
  encode(id: string, input: I): Promise<unknown>;
  /** The worker's output back into the caller's type. */
  decode(output: unknown): O;
  /** How long finished jobs (and their results) stay in Redis, seconds. */
  readonly keepSeconds: number;
  /** Attempts per job when a worker reports a retryable failure (a stall is retried apart, up to maxStalledCount). */
  readonly attempts: number;
  /** How often every outstanding job's state is read (ms); events are the fast path. */
  readonly sweepMs?: number;
  readonly log?: Logger;
}

interface Entry<O> extends JobEntry<O> {
  jobId: string | null;
  data: WireJob | null;
}

export class RemoteJobError extends BrainError<'remote_job_failed'> {
  override readonly name = 'RemoteJobError';
  /** What failed on the worker, read back from the job's failedReason (the worker writes it with describeError). */
  readonly failure: ErrorInfo;
  constructor(
    readonly id: string,
    readonly jobId: string,
    reason: string,
  ) {
    const failure = parseDescribedError(reason);
    // The worker already ran the job to its end (a retryable failure is retried there by BullMQ first).
    super(`job ${id} failed on a worker: ${failure.message}`, {
      domain: 'evolution',
      code: 'remote_job_failed',
      retryable: false,
      details: { job: id, queueJob: jobId },
    });
    this.failure = failure;
  }

  /** The worker's own failure travels (sandbox.deadline, db.…), not the wrapper. */
  override toInfo(): ErrorInfo {
    return { ...this.failure, message: this.message };
  }
}

export async function redisJobRunner<I, O>(o: RedisRunnerOptions<I, O>): Promise<JobRunner<I, O> & { workers(): Promise<number> }> {
  const connection = redisOptions(o.link);
  const queue = new Queue<WireJob, string, string>(o.queue, { connection, prefix: KEY_PREFIX });
  const events = new QueueEvents(o.queue, { connection, prefix: KEY_PREFIX });
  queue.on('error', (err) => o.log?.warn({ err }, 'job queue connection error; retrying'));
  events.on('error', (err) => o.log?.warn({ err }, 'job events connection error; retrying'));
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const entries = new Map<string, Entry<O>>();
  /** Entries by BullMQ job id: two ids with the same content share one job. */
  const byJobId = new Map<string, Entry<O>[]>();
  const pending = (jobId: string) => (byJobId.get(jobId) ?? []).filter((e) => !isFinal(e.state));
  const withdrawing: Promise<void>[] = [];
  let closed = false;

  const finish = (e: Entry<O>, state: JobState, outcome: { value: O } | { error: unknown }) => {
    if (isFinal(e.state)) return;
    e.state = state;
    if ('value' in outcome) e.settle.resolve(outcome.value);
    else e.settle.reject(outcome.error);
  };
  const complete = (e: Entry<O>, returnvalue: unknown) => {
    if (typeof returnvalue !== 'string')
      return finish(e, 'failed', { error: new RemoteJobError(e.id, e.jobId ?? '-', `completed without a result (${String(returnvalue)})`) });
    try {
      finish(e, 'done', { value: o.decode(decodeJson(returnvalue)) });
    } catch (err) {
      finish(e, 'failed', { error: err });
    }
  };
  const add = (e: Entry<O>) =>
    queue.add(e.id, e.data!, {
      jobId: e.jobId!,
      attempts: o.attempts,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: o.keepSeconds },
      removeOnFail: { age: o.keepSeconds },
    });

  /**
   * Reads the job's state in Redis and acts on it; the one place that decides what a state means. The
   * state is read before the job: a job read first may complete in between, and its empty return value
   * would then pass for the result.
   */
  const check = async (e: Entry<O>): Promise<void> => {
    if (isFinal(e.state) || e.jobId === null) return;
    const state = await queue.getJobState(e.jobId);
    if (state === 'unknown') {
      o.log?.warn({ job: e.id, jobId: e.jobId }, 'job missing from Redis (restarted without its data?): adding it again');
      await add(e);
    } else if (state === 'active' && e.state === 'queued') e.state = 'running';
    else if (state === 'completed' || state === 'failed') {
      // Gone meanwhile (kept keepHours): the next sweep adds it again and the stored result answers.
      const job = (await queue.getJob(e.jobId)) as Job<WireJob, string> | undefined;
      if (!job) return;
      if (state === 'completed') complete(e, job.returnvalue);
      else finish(e, 'failed', { error: new RemoteJobError(e.id, e.jobId, job.failedReason) });
    }
  };
  /** Adds the job, or runs again a failure an earlier submission of the same content left behind. */
  const enqueue = async (e: Entry<O>) => {
    if ((await queue.getJobState(e.jobId!)) !== 'failed') return void (await add(e));
    await ((await queue.getJob(e.jobId!)) as Job<WireJob, string> | undefined)?.retry('failed');
  };
  /** A waiting job is removed; a running one is locked, so its worker is told to stop through its AbortSignal. */
  const withdraw = async (jobId: string) => {
    await queue.remove(jobId).catch(() => 0);
    await o.client.publish(queueKeys(o.queue).cancel, jobId).catch(() => 0);
  };
  const checkQuietly = (e: Entry<O>) =>
    void check(e).catch((err: unknown) => o.log?.warn({ err, job: e.id }, 'could not read the job state; the sweep tries again'));

  events.on('active', ({ jobId }) => {
    for (const e of pending(jobId)) if (e.state === 'queued') e.state = 'running';
  });
  events.on('progress', ({ jobId, data }) => {
    for (const e of pending(jobId)) if (typeof data === 'string') e.note = data;
  });
  events.on('completed', ({ jobId, returnvalue }) => {
    for (const e of pending(jobId)) complete(e, returnvalue);
  });
  events.on('failed', ({ jobId }) => {
    for (const e of pending(jobId)) checkQuietly(e);
  });

  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void Promise.allSettled([...entries.values()].map((e) => check(e))).finally(() => (sweeping = false));
  }, o.sweepMs ?? 5000);
  sweep.unref();

  const runner: JobRunner<I, O> & { workers(): Promise<number> } = {
    ...entryViews(entries),
    submit(id, input) {
      if (closed)
        throw new BrainError(`the job queue ${o.queue} is closed; job ${id} was not queued`, { domain: 'evolution', code: 'pool_closed', retryable: false });
      if (entries.has(id)) return;
      const e: Entry<O> = { ...jobEntry<O>(id), jobId: null, data: null };
      entries.set(id, e);
      void (async () => {
        const payload = encodeJson(await o.encode(id, input));
        if (isFinal(e.state)) return;
        e.data = { payload };
        e.jobId = `j${sha256(payload)}`;
        byJobId.set(e.jobId, [...(byJobId.get(e.jobId) ?? []), e]);
        await enqueue(e);
        await check(e);
      })().catch((err: unknown) => finish(e, 'failed', { error: err }));
    },
    cancel(id) {
      const e = entries.get(id);
      if (!e || isFinal(e.state)) return;
      finish(e, 'cancelled', { error: new JobCancelledError(id) });
      // The job stays while another submission of the same content still waits for it.
      if (e.jobId !== null && pending(e.jobId).length === 0) withdrawing.push(withdraw(e.jobId));
    },
    workers: () => queue.getWorkersCount(),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      for (const e of entries.values()) runner.cancel(e.id);
      // Withdrawing waits for Redis; with Redis gone for good, give up after a while rather than hang.
      await Promise.race([Promise.allSettled(withdrawing), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await events.close();
      await queue.close();
      await o.client.quit().catch(() => o.client.disconnect());
    },
  };
  return runner;
}
