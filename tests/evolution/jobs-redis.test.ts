/**
 * The BullMQ JobRunner against a real redis-server, with plain string jobs: the JobRunner contract the
 * in-process pool keeps (tests/evolution/jobs.test.ts), plus what only a shared queue must add — the
 * same content is one job judged once, a result outlives the runner, a worker refuses nothing silently.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCancelledError, type JobWorker } from '../../src/evolution/jobs.ts';
import { ConfigSchema } from '../../src/config/index.ts';
import type { PolicyContext } from '../../src/evolution/policy.ts';
import { redisJobRunner, RemoteJobError } from '../../src/evolution/jobs-redis.ts';
import { redisEvolverJobs } from '../../src/evolution/jobs-remote.ts';
import { startWorkerHost, type WorkerHost } from '../../src/evolution/jobs-worker.ts';
import { connectRedis, RedisSetupError } from '../../src/redis/connect.ts';
import { CAN_START_REDIS, ownRedis, REDIS_SKIP, testRedis, uniqueQueue } from '../redis-server.ts';

const log = pino({ level: 'silent' });

/** Jobs "x" → "X by slot"; "boom" throws; "wait:x" waits for the test (or its AbortSignal). */
function upperWorkers() {
  const ran: string[] = [];
  const gates = new Map<string, () => void>();
  const createWorker = async (slot: number): Promise<JobWorker<{ text: string }, string>> => ({
    run: ({ text }, { signal, report }) => {
      ran.push(text);
      report(`working on ${text}`);
      if (text === 'boom') return Promise.reject(new Error('the evaluation threw'));
      if (!text.startsWith('wait:')) return Promise.resolve(JSON.stringify(`${text.toUpperCase()} by ${slot}`));
      return new Promise((resolve, reject) => {
        gates.set(text, () => resolve(JSON.stringify(`${text} released`)));
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
    close: async () => undefined,
  });
  return { ran, gates, createWorker };
}

describe.skipIf(REDIS_SKIP)(`the BullMQ job runner ${REDIS_SKIP ?? ''}`, () => {
  let url = '';
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => ({ url, stop } = await testRedis()));
  afterAll(() => stop());

  async function world(slots = 1) {
    const queue = uniqueQueue('runner');
    const link = { url };
    const w = upperWorkers();
    const host: WorkerHost = startWorkerHost({
      link,
      client: await connectRedis(link, 'test worker'),
      queue,
      slots,
      lockMs: 5000,
      stalledMs: 5000,
      maxStalled: 1,
      keepSeconds: 600,
      name: 'test',
      createWorker: w.createWorker,
      log,
    });
    await host.ready;
    const runner = await redisJobRunner<string, string>({
      link,
      client: await connectRedis(link, 'test runner'),
      queue,
      keepSeconds: 600,
      attempts: 1,
      sweepMs: 200,
      log,
      encode: async (_id, text) => ({ text }),
      decode: (out) => out as string,
    });
    return { runner, host, w, queue, link };
  }

  it('runs each job on a long-lived worker and returns its output; the same id is one job', async () => {
    const { runner, host, w } = await world();
    for (const id of ['a', 'b', 'a']) runner.submit(id, id);
    expect(await runner.result('a')).toBe('A by 0');
    expect(await runner.result('b')).toBe('B by 0');
    expect(runner.progress('a')).toMatchObject({ id: 'a', state: 'done' });
    expect(w.ran).toEqual(['a', 'b']);
    await runner.close();
    await host.close();
  });

  it('two ids with the same content share one job, and both get its output', async () => {
    const { runner, host, w } = await world();
    runner.submit('first', 'twin');
    runner.submit('second', 'twin');
    expect(await runner.result('first')).toBe('TWIN by 0');
    expect(await runner.result('second')).toBe('TWIN by 0');
    expect(w.ran).toEqual(['twin']);
    await runner.close();
    await host.close();
  });

  it('judges the same content once: a second runner (another run, another daemon) gets the stored result', async () => {
    const first = await world();
    first.runner.submit('x', 'same');
    expect(await first.runner.result('x')).toBe('SAME by 0');
    await first.runner.close();
    const second = await redisJobRunner<string, string>({
      link: first.link,
      client: await connectRedis(first.link, 'second runner'),
      queue: first.queue,
      keepSeconds: 600,
      attempts: 1,
      sweepMs: 200,
      log,
      encode: async (_id, text) => ({ text }),
      decode: (out) => out as string,
    });
    second.submit('y', 'same');
    expect(await second.result('y')).toBe('SAME by 0');
    expect(first.w.ran).toEqual(['same']);
    await second.close();
    await first.host.close();
  });

  it("rejects with the worker's error when the evaluation throws, without retrying it", async () => {
    const { runner, host, w } = await world();
    runner.submit('b', 'boom');
    const err = await runner.result('b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteJobError);
    expect((err as Error).message).toContain('the evaluation threw');
    expect(runner.progress('b')?.state).toBe('failed');
    expect(w.ran).toEqual(['boom']);
    await runner.close();
    await host.close();
  });

  it('cancels a queued job before it starts and a running one through its AbortSignal', async () => {
    const { runner, host, w } = await world();
    runner.submit('a', 'wait:a');
    runner.submit('b', 'wait:b');
    // The state and the worker's note are two reports: under load the note can arrive a poll later.
    await expect.poll(() => runner.progress('a')?.state, { timeout: 10_000 }).toBe('running');
    await expect.poll(() => runner.progress('a')?.note, { timeout: 10_000 }).toBe('working on wait:a');
    runner.cancel('b');
    await expect(runner.result('b')).rejects.toBeInstanceOf(JobCancelledError);
    runner.cancel('a');
    await expect(runner.result('a')).rejects.toBeInstanceOf(JobCancelledError);
    await runner.close();
    await host.close();
    expect(w.ran).toEqual(['wait:a']);
  });

  it('the evolver refuses to start on a queue no brain worker takes from, rather than wait for ever', async () => {
    const queue = uniqueQueue('empty');
    const evolution = ConfigSchema.parse({ evolution: { runner: 'redis', redisUrl: url, queue: { name: queue } } }).evolution;
    const err = await redisEvolverJobs({
      link: { url },
      evolution,
      context: {} as PolicyContext,
      versions: { parent: { id: 'v', bundle: '' }, incumbent: { id: 'v', bundle: '' } },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^no brain worker takes jobs from queue "${queue}" at redis://127\\.0\\.0\\.1:\\d+: start \`brain worker\` .*or set evolution\\.runner = "inProcess"`,
      ),
    );
  });

  it.skipIf(!CAN_START_REDIS)('refuses a Redis that would evict jobs or lose them at a restart, naming the settings and the fix', async () => {
    const own = await ownRedis();
    const admin = await connectRedis({ url: own.url }, 'admin');
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'appendonly', 'no');
    try {
      const err = await connectRedis({ url: own.url }, 'brain worker').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisSetupError);
      expect((err as Error).message).toMatch(
        /^brain worker: Redis at redis:\/\/127\.0\.0\.1:\d+ is not set up as a job queue needs: maxmemory-policy is allkeys-lru, must be noeviction .*; appendonly is no, must be yes .*CONFIG SET/,
      );
    } finally {
      admin.disconnect();
      await own.stop();
    }
  });

  it('says where it could not connect, without the password', async () => {
    const err = await connectRedis({ url: 'redis://:hunter22@127.0.0.1:1', password: 'x' }, 'brain evolve').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisSetupError);
    expect((err as Error).message).toMatch(
      /^brain evolve: cannot reach Redis at redis:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:1: .*start it or fix evolution\.redisUrl/,
    );
    expect((err as Error).message).not.toContain('hunter22');
  });
});
