/**
 * The evolver end to end with real `brain worker` processes: the bundled sample candles (3 pairs), loose
 * gates so a handful of candidates reach the full gates in seconds, a ledger read back without its
 * timings, and workers spawned as an operator would start them (their own working directory, config
 * only from flags, nothing shared with the test but Redis).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock/clock.ts';
import { ConfigSchema, type Config } from '../../src/config/index.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { evolve } from '../../src/evolution/setup.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

export const SAMPLE = join(PROJECT_ROOT, 'data/sample');
const PAIRS = ['BTC/USD', 'ETH/USD', 'SOL/USD'] as const;
export const SEED = 5;
export const CANDIDATES = 8;

const LOOSE = {
  policy: { holdoutDays: 3, minTrades: 1, minDsr: 0, minEdge: -0.01, jitterMinShare: 0, bootstrapRuns: 200 },
  screen: { days: 2, minTrades: 0, maxLoss: 1 },
  evolver: { rungSize: 8, fullGates: 2 },
};
const QUEUE_TIMING = { lockSeconds: 2, stalledCheckSeconds: 1 };

export function evolveConfig(redis?: { url: string; queue: string }): Config {
  return ConfigSchema.parse({
    pairs: [...PAIRS],
    evolution: { ...LOOSE, ...(redis ? { runner: 'redis', redisUrl: redis.url, queue: { name: redis.queue, ...QUEUE_TIMING } } : {}) },
  }) as Config;
}

/** What the ledger says about each candidate and each step after it, without ids of time or CPU. */
export async function evolveAndReadLedger(config: Config, seed = SEED) {
  const db = openDatabase({ path: ':memory:' });
  const files = mkdtempSync(join(tmpdir(), 'brain-remote-evolve-'));
  try {
    const report = await evolve({ db, config, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: files, candles: { dir: SAMPLE, pairs: [...PAIRS] } }, { ms: 1e9, maxCandidates: CANDIDATES, seed });
    const { ledger: repo } = createRepositories(db);
    const rows = Array.from({ length: repo.count() }, (_, i) => repo.byId(i + 1)!);
    const ledger = rows.map(({ cpuSeconds: _c, createdAt: _t, updatedAt: _u, ...row }) => ({
      ...row, events: repo.events(row.id).map(({ id: _i, time: _time, ...e }) => e),
    }));
    // Paper-test ids carry the time they were scheduled at; everything else must match exactly.
    return { report, ledger: JSON.parse(JSON.stringify(ledger).replace(/pt-[0-9a-f]+-[0-9a-z]+/g, 'pt-*')) as typeof ledger };
  } finally {
    db.close();
  }
}

export interface SpawnedWorker {
  readonly pid: number;
  /** Its BullMQ worker name (host:pid), as jobs record it in processedBy. */
  readonly name: string;
  readonly exited: Promise<number | null>;
  output(): string;
  stop(): Promise<void>;
}

/** `brain worker` as its own process, resolved once it takes jobs. */
export function spawnWorker(redis: { url: string; queue: string }): Promise<SpawnedWorker> {
  const cwd = mkdtempSync(join(tmpdir(), 'brain-worker-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BRAIN_')));
  const args = ['worker', '--set', `evolution.redisUrl=${redis.url}`, '--set', `evolution.queue.name=${redis.queue}`, '--log-level', 'info',
    ...Object.entries(QUEUE_TIMING).flatMap(([k, v]) => ['--set', `evolution.queue.${k}=${v}`])];
  const child: ChildProcess = spawn(process.execPath, [join(PROJECT_ROOT, 'src/cli/bin.mjs'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('"msg":"worker taking jobs"')) return;
      child.stdout!.off('data', onData);
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      resolve({
        pid: child.pid!, name: `${hostname()}:${child.pid}`, exited, output: () => out,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => reject(new Error(`brain worker exited with ${code} before it took jobs:\n${out.slice(-3000)}`)));
  });
}
