/**
 * How the evolver hands work out (evolution.md §5.4): submit, progress, result, cancel, with the job id
 * = the candidate's content hash, so submitting the same candidate twice is one job. `inProcessPool`
 * runs jobs on a few long-lived workers in this process, each owning one warm sandbox child with its
 * datasets kept loaded; jobs-redis.ts runs them on `brain worker` processes through BullMQ behind the
 * same interface (evolution.runner = "redis").
 */
import { BrainError } from '../contract/errors.ts';
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  readonly id: string;
  readonly state: JobState;
  /** What the worker said last (a stage name, a fraction done). */
  readonly note: string | null;
}

export interface JobRunner<I, O> {
  /** Queues the job; an id already known returns without queuing it again. */
  submit(id: string, input: I): void;
  progress(id: string): JobProgress | undefined;
  /** Resolves with the output, rejects with the job's error or JobCancelledError. */
  result(id: string): Promise<O>;
  /** A queued job never starts; a running one is told through its AbortSignal. */
  cancel(id: string): void;
  /** Cancels what is left and stops the workers. */
  close(): Promise<void>;
}

export class JobCancelledError extends BrainError<'job_cancelled'> {
  override readonly name = 'JobCancelledError';
  constructor(readonly id: string) {
    super(`job ${id} was cancelled`, { domain: 'evolution', code: 'job_cancelled', retryable: false, details: { job: id } });
  }
}

/** A long-lived worker: created once, runs one job at a time. */
export interface JobWorker<I, O> {
  run(input: I, ctx: { signal: AbortSignal; report: (note: string) => void }): Promise<O>;
  close(): Promise<void>;
}

const FINAL: readonly JobState[] = ['done', 'failed', 'cancelled'];
export const isFinal = (state: JobState): boolean => FINAL.includes(state);

/** The caller's side of one job, whoever runs it: its state, last note and the promise of its output. */
export interface JobEntry<O> {
  readonly id: string;
  state: JobState;
  note: string | null;
  readonly done: Promise<O>;
  readonly settle: { resolve: (o: O) => void; reject: (e: unknown) => void };
}

export function jobEntry<O>(id: string): JobEntry<O> {
  let settle!: JobEntry<O>['settle'];
  const done = new Promise<O>((resolve, reject) => (settle = { resolve, reject }));
  // A caller that only cancels never awaits: keep the rejection from being unhandled.
  done.catch(() => undefined);
  return { id, state: 'queued', note: null, done, settle };
}

/** `progress` and `result` over the submitted entries: the same answers from every runner. */
export function entryViews<O>(entries: ReadonlyMap<string, JobEntry<O>>): Pick<JobRunner<unknown, O>, 'progress' | 'result'> {
  return {
    progress: (id) => {
      const e = entries.get(id);
      return e && { id, state: e.state, note: e.note };
    },
    result: (id) =>
      entries.get(id)?.done ??
      Promise.reject(
        new BrainError(`no job ${id} was submitted to this runner; submit() first, or ask the runner that took it`, {
          domain: 'evolution',
          code: 'job_unknown',
          retryable: false,
        }),
      ),
  };
}

interface Job<I, O> extends JobEntry<O> {
  input: I;
  abort: AbortController;
}

export function inProcessPool<I, O>(opts: { workers: number; createWorker: (index: number) => Promise<JobWorker<I, O>> }): JobRunner<I, O> {
  const jobs = new Map<string, Job<I, O>>();
  const queue: Job<I, O>[] = [];
  const workers: Array<Promise<JobWorker<I, O>> | null> = Array.from({ length: opts.workers }, () => null);
  const busy = new Array<boolean>(opts.workers).fill(false);
  let closed = false;

  const pump = (): void => {
    for (let w = 0; w < opts.workers && queue.length > 0; w++) {
      if (busy[w]) continue;
      const job = queue.shift()!;
      busy[w] = true;
      job.state = 'running';
      workers[w] ??= opts.createWorker(w);
      void workers[w]!.then((worker) => worker.run(job.input, { signal: job.abort.signal, report: (note) => (job.note = note) }))
        .then(
          (out) => {
            job.state = job.abort.signal.aborted ? 'cancelled' : 'done';
            job.settle.resolve(out);
          },
          (err: unknown) => {
            job.state = job.abort.signal.aborted ? 'cancelled' : 'failed';
            job.settle.reject(job.abort.signal.aborted ? new JobCancelledError(job.id) : err);
          },
        )
        .finally(() => {
          busy[w] = false;
          pump();
        });
    }
  };

  return {
    ...entryViews(jobs),
    submit(id, input) {
      if (closed) throw new BrainError(`the job pool is closed; job ${id} was not queued`, { domain: 'evolution', code: 'pool_closed', retryable: false });
      if (jobs.has(id)) return;
      const job: Job<I, O> = { ...jobEntry<O>(id), input, abort: new AbortController() };
      jobs.set(id, job);
      queue.push(job);
      pump();
    },
    cancel(id) {
      const j = jobs.get(id);
      if (!j || isFinal(j.state)) return;
      j.abort.abort();
      const at = queue.indexOf(j);
      if (at >= 0) {
        queue.splice(at, 1);
        j.state = 'cancelled';
        j.settle.reject(new JobCancelledError(id));
      }
    },
    async close() {
      closed = true;
      for (const j of [...queue]) this.cancel(j.id);
      for (const j of jobs.values()) if (j.state === 'running') j.abort.abort();
      await Promise.allSettled([...jobs.values()].map((j) => j.done));
      await Promise.allSettled(workers.map(async (w) => (await w)?.close()));
    },
  };
}
