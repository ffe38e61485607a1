/**
 * The footprint on a small VPS (issue 17.8): `brain help` time and peak RSS, then the daemon as an operator
 * starts it (`brain run --sim SPEED`, paper mode, the simulator in the same process replaying data/sample,
 * the nightly cycle on; without a model key it would run the offline evolver, but on data/sample's first
 * weeks it fails closed for too little history, so no evolver night is in these figures; a night is measured
 * apart, last, in a replay daemon: bench/lib/night-child.ts): boot time to "brain running"
 * with an existing database, RSS after boot and after 1 and 7 simulated days, with the heap split from
 * /metrics; then the same daemon in real time once idle (where V8 shrinks its heap). Sandbox children
 * (Deno) are separate processes and are not counted. The simulator's own share
 * is printed apart (`brain sim` alone). Prints figures; asserts nothing.
 * Every `brain` here starts with the deploy unit's environment (bench/lib/production-env.ts: NODE_OPTIONS,
 * MALLOC_ARENA_MAX) and applies its own V8 heap flags (src/daemon/heap.ts), as in production.
 * Run: npm run bench -- footprint   (BENCH_FOOTPRINT_SPEED=N sets the replay speed, default 1500)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.ts';
import { memoryMb } from './lib/proc.ts';
import { describeProductionEnv, productionEnv } from './lib/production-env.ts';
import { median } from './lib/stats.ts';

const BIN = join(PROJECT_ROOT, 'src/cli/bin.mjs');
const DAY_MS = 86_400_000;
/** Prints the process's peak RSS on exit; imported before the CLI, so it measures the CLI's own peak. */
const PEAK_PROBE = `data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kb='+process.resourceUsage().maxRSS+'\\n'))`;
/** What the deploy files start `brain` with (bench/lib/production-env.ts), over the caller's environment. */
const ENV = { ...process.env, ...productionEnv() };

function helpRun(): { seconds: number; peakMb: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', PEAK_PROBE, BIN, 'help'], { encoding: 'utf8', env: ENV });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`brain help exited ${r.status}: ${r.stderr.slice(-500)}`);
  return { seconds, peakMb: Number(/peak-rss-kb=(\d+)/.exec(r.stderr)?.[1]) / 1024 };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Running {
  child: ChildProcess;
  /** Wall ms from spawn to the first log line with this message. */
  logged(msg: string): Promise<number>;
  stop(): Promise<void>;
}

function start(args: readonly string[], cwd: string): Running {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = new Map<string, number>();
  const waiting = new Map<string, (ms: number) => void>();
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (buffered + d.toString()).split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1];
      if (msg === undefined || seen.has(msg)) continue;
      seen.set(msg, performance.now() - t0);
      waiting.get(msg)?.(seen.get(msg)!);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    logged: (msg) => {
      const at = seen.get(msg);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        waiting.set(msg, resolve);
        void exited.then(() => reject(new Error(`brain ${args.join(' ')} exited before "${msg}": ${stderr}`)));
      });
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function heapSplit(port: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const mb = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]) / 1e6;
  return `heap used ${mb('nodejs_heap_size_used_bytes').toFixed(0)} of ${mb('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${mb('nodejs_external_memory_bytes').toFixed(0)} MB`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The replay above keeps the process busy, so V8 never runs the memory reducer that shrinks the heap once
 * a process idles; a daemon in real time idles between candles. This is its RSS after boot once idle.
 */
async function idleBench(dir: string, port: number): Promise<void> {
  const daemon = start(['run', '--sim', '1', '--set', `health.port=${port}`, '--log-level', 'info'], dir);
  await daemon.logged('brain running');
  const at = (s: number) => sleep(s * 1000).then(() => memoryMb(daemon.child.pid).toFixed(0));
  console.log(`real time (--sim 1), RSS 5 s after boot ${await at(5)} MB, 40 s after ${await at(35)} MB (${await heapSplit(port)})`);
  await daemon.stop();
}

async function daemonBench(speed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-bench-footprint-'));
  const port = await freePort();
  const args = ['run', '--sim', String(speed), '--set', `health.port=${port}`, '--log-level', 'info'];
  try {
    const fresh = start(args, dir);
    console.log(`first boot (fresh database): ${((await fresh.logged('brain running')) / 1000).toFixed(2)} s`);
    await fresh.stop();
    const daemon = start(args, dir);
    const simAt = await daemon.logged('kraken sim listening');
    const boot = await daemon.logged('brain running');
    console.log(`boot with an existing database, spawn to "brain running": ${(boot / 1000).toFixed(2)} s`);
    console.log(`RSS after boot: ${memoryMb(daemon.child.pid).toFixed(0)} MB (${await heapSplit(port)})`);
    const samples: Record<number, number> = {};
    for (const day of [1, 7]) {
      // The simulator's clock runs at `speed` from its start, so simulated day N is at this wall time.
      const due = simAt + (day * DAY_MS) / speed;
      let peak = 0;
      while (performance.now() < due) {
        peak = Math.max(peak, memoryMb(daemon.child.pid));
        await sleep(Math.min(1000, Math.max(0, due - performance.now())));
      }
      samples[day] = memoryMb(daemon.child.pid);
      console.log(
        `RSS after ${day} simulated day${day > 1 ? 's' : ''}: ${samples[day]!.toFixed(0)} MB, peak ${Math.max(peak, samples[day]!).toFixed(0)} MB (${await heapSplit(port)})`,
      );
    }
    console.log(`growth from day 1 to day 7: ${((samples[7]! / samples[1]! - 1) * 100).toFixed(1)} %`);
    await daemon.stop();
    await idleBench(dir, port);
    const sim = start(['sim', '--speed', String(speed)], dir);
    await sim.logged('simulator ready; the test account secret is SIM_TEST_ACCOUNT.secret (Kraken published example)');
    await sleep(3000);
    console.log(`for scale, the simulator alone (brain sim --speed ${speed}): ${memoryMb(sim.child.pid).toFixed(0)} MB`);
    await sim.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A replay daemon across one offline-evolver night (bench/lib/night-child.ts): its gates must not stay behind. */
function nightBench(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench/lib/night-child.ts')], {
    cwd: PROJECT_ROOT,
    env: ENV,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`the night bench exited ${r.status}: ${r.stderr.slice(-500)}`);
  const { before, after, typescript } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { before: number; after: number; typescript: boolean };
  console.log(
    `a replay daemon across an offline-evolver night (its gates in the gate process): RSS ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB after; TypeScript in the daemon's process: ${typescript ? 'yes' : 'no'}`,
  );
}

/** Peak RSS of a node that loads nothing, without and with the tsx loader (what `brain` runs without a current dist/ build). */
function baselines(): string {
  const peak = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', PEAK_PROBE, ...args, '-e', '0'], { encoding: 'utf8', cwd: PROJECT_ROOT });
    return (Number(/peak-rss-kb=(\d+)/.exec(r.stderr)?.[1]) / 1024).toFixed(0);
  };
  return `for scale: node alone ${peak([])} MB, node with the tsx loader (its hooks thread; \`brain\` runs dist/ without it) ${peak(['--import', 'tsx'])} MB`;
}

export default async function (): Promise<void> {
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (figures scale with it)`);
  console.log(baselines());
  console.log(describeProductionEnv());
  const help = Array.from({ length: 5 }, helpRun);
  console.log(
    `brain help: median ${median(help.map((h) => h.seconds)).toFixed(2)} s, peak RSS median ${median(help.map((h) => h.peakMb)).toFixed(0)} MB (5 runs)`,
  );
  await daemonBench(Number(process.env.BENCH_FOOTPRINT_SPEED ?? 1500));
  nightBench();
}
