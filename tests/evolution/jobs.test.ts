import { describe, expect, it } from 'vitest';
import { inProcessPool, JobCancelledError, type JobWorker } from '../../src/evolution/jobs.ts';

/** A worker whose jobs finish when the test says so. */
function gatedWorkers() {
  const created: number[] = [];
  const waiting = new Map<string, () => void>();
  const closed: number[] = [];
  const createWorker = async (index: number): Promise<JobWorker<string, string>> => {
    created.push(index);
    return {
      run: (input, { signal, report }) =>
        new Promise((resolve, reject) => {
          report(`started ${input}`);
          waiting.set(input, () => resolve(`${input} by ${index}`));
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      close: async () => void closed.push(index),
    };
  };
  return { created, waiting, closed, createWorker };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('in-process job pool', () => {
  it('runs at most `workers` jobs at once on long-lived workers, each job once per id', async () => {
    const w = gatedWorkers();
    const pool = inProcessPool({ workers: 2, createWorker: w.createWorker });
    for (const id of ['a', 'b', 'c', 'a']) pool.submit(id, id);
    await tick();
    expect([...w.waiting.keys()]).toEqual(['a', 'b']);
    expect(pool.progress('c')).toEqual({ id: 'c', state: 'queued', note: null });
    expect(pool.progress('a')).toEqual({ id: 'a', state: 'running', note: 'started a' });
    w.waiting.get('a')!();
    expect(await pool.result('a')).toBe('a by 0');
    await tick();
    w.waiting.get('c')!();
    w.waiting.get('b')!();
    expect(await pool.result('c')).toBe('c by 0');
    expect(w.created).toEqual([0, 1]);
    await pool.close();
    expect(w.closed.sort()).toEqual([0, 1]);
  });

  it('cancels a queued job before it starts and a running one through its signal', async () => {
    const w = gatedWorkers();
    const pool = inProcessPool({ workers: 1, createWorker: w.createWorker });
    pool.submit('a', 'a');
    pool.submit('b', 'b');
    pool.cancel('b');
    await expect(pool.result('b')).rejects.toBeInstanceOf(JobCancelledError);
    await tick();
    pool.cancel('a');
    await expect(pool.result('a')).rejects.toBeInstanceOf(JobCancelledError);
    expect(pool.progress('a')?.state).toBe('cancelled');
    expect(w.waiting.has('b')).toBe(false);
    await pool.close();
  });
});
