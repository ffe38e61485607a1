/**
 * The evolver on Redis workers, end to end with `brain worker` processes (issue 19's done-when): three
 * workers drain the queue to the same ledger as the in-process pool for the same seed; a worker killed
 * with SIGKILL mid-job loses nothing (its job completes on another, judged once); Redis restarted
 * mid-run loses no job. The ledger is written only here, by the enqueuing side.
 */
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX } from '../../src/evolution/jobs-redis.ts';
import { CAN_START_REDIS, ownRedis, REDIS_SKIP, testRedis, uniqueQueue } from '../redis-server.ts';
import { spawnWorker, type SpawnedWorker } from '../worker-process.ts';
import { CANDIDATES, evolveAndReadLedger, evolveConfig, QUEUE_TIMING, SEED } from './remote-fixtures.ts';

type Ledger = Awaited<ReturnType<typeof evolveAndReadLedger>>['ledger'];

describe.skipIf(REDIS_SKIP)(`the evolver on Redis workers ${REDIS_SKIP ?? ''}`, () => {
  let url = '';
  let stopRedis: () => Promise<void> = async () => undefined;
  let inProcess: Ledger = [];
  let shared = { url: '', queue: '' };
  const workers: SpawnedWorker[] = [];
  const start = async (redis: { url: string; queue: string }, n: number) => {
    const timing = Object.fromEntries(Object.entries(QUEUE_TIMING).map(([k, v]) => [`evolution.queue.${k}`, v]));
    const started = await Promise.all(Array.from({ length: n }, () => spawnWorker(redis, timing)));
    workers.push(...started);
    return started;
  };

  beforeAll(async () => {
    ({ url, stop: stopRedis } = await testRedis());
    shared = { url, queue: uniqueQueue('evolver') };
    inProcess = (await evolveAndReadLedger(evolveConfig())).ledger;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await stopRedis();
  });

  it('three workers drain the queue to the same ledger as the in-process pool for the same seed', async () => {
    expect(inProcess.length).toBe(CANDIDATES);
    expect(inProcess.some((row) => row.stage === 'paper')).toBe(true);
    const three = await start(shared, 3);
    const { ledger, report } = await evolveAndReadLedger(evolveConfig(shared));
    expect(report.failedEvaluations).toBe(0);
    expect(ledger).toEqual(inProcess);
    const queue = new Queue(shared.queue, { connection: { url }, prefix: KEY_PREFIX });
    const done = await queue.getCompleted(0, -1);
    expect(done.length).toBe(report.screenRuns + report.fullyGated);
    expect(new Set(done.map((j) => j.processedBy)).size).toBeGreaterThan(1);
    expect(done.every((j) => three.some((w) => w.name === j.processedBy))).toBe(true);
    await queue.close();
  }, 120_000);

  it('a worker killed with SIGKILL mid-job loses nothing: the job completes on another worker, judged once', async () => {
    // The same three workers, warm; another seed, so every job is new. The victim is the worker that
    // takes the first full-gates job (a second or more of work), killed as soon as it has it.
    const queue = new Queue(shared.queue, { connection: { url }, prefix: KEY_PREFIX });
    const events = new QueueEvents(shared.queue, { connection: { url }, prefix: KEY_PREFIX });
    await events.waitUntilReady();
    let killed: { jobId: string; victim: SpawnedWorker } | null = null;
    events.on('active', ({ jobId }) => {
      void queue.getJob(jobId).then((job) => {
        if (killed || !job?.name.endsWith(':judge')) return;
        const victim = workers.find((w) => w.name === job.processedBy)!;
        process.kill(victim.pid, 'SIGKILL');
        killed = { jobId, victim };
      });
    });
    const { ledger, report } = await evolveAndReadLedger(evolveConfig(shared), SEED + 1);
    expect(killed).not.toBeNull();
    const { jobId, victim } = killed!;
    expect(await victim.exited).toBeNull();
    const job = (await queue.getJob(jobId))!;
    expect(job.finishedOn).toBeGreaterThan(0);
    expect(job.processedBy).not.toBe(victim.name);
    expect(workers.some((w) => w !== victim && w.name === job.processedBy)).toBe(true);
    expect(job.stalledCounter).toBeGreaterThanOrEqual(1);
    expect(report.failedEvaluations).toBe(0);
    expect(ledger).toHaveLength(CANDIDATES);
    expect(ledger.filter((row) => row.failedGate === 'evaluation')).toEqual([]);
    expect(ledger.filter((row) => row.stage === 'gates' || row.stage === 'paper')).toHaveLength(report.fullyGated);
    await events.close();
    await queue.close();
  }, 120_000);

  it.skipIf(!CAN_START_REDIS)(
    'Redis restarted mid-run (append-only file kept) loses no job',
    async () => {
      const server = await ownRedis();
      try {
        const redis = { url: server.url, queue: uniqueQueue('restart') };
        await start(redis, 1);
        const events = new QueueEvents(redis.queue, { connection: { url: server.url }, prefix: KEY_PREFIX });
        await events.waitUntilReady();
        let restarted: Promise<void> | null = null;
        events.on('completed', () => {
          // After the first result, while the rest are queued or running.
          restarted ??= events.close().then(() => server.restart());
        });
        const { ledger, report } = await evolveAndReadLedger(evolveConfig(redis));
        expect(restarted).not.toBeNull();
        await restarted;
        expect(report.failedEvaluations).toBe(0);
        expect(ledger).toEqual(inProcess);
      } finally {
        await Promise.all(workers.splice(0).map((w) => w.stop()));
        await server.stop();
      }
    },
    120_000,
  );
});
