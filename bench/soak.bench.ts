/**
 * `npm run bench -- soak [--days N] [--mode paper|live]` (issue 18): the daemon trading the flip strategy
 * (buy when flat, close when holding) for N simulated days (default 3 = 72 h) against the Kraken
 * simulator as fast as it goes, with a fault injected every simulated hour. Live: the real `brain run`
 * process, faults from the fault matrix's list. Paper: the daemon in one process with the simulator
 * (bench/lib/paper-soak-child.ts says why), faults that reach a paper daemon. The RSS of the daemon and of its sandbox children is
 * sampled every simulated hour; both daemons start with the deploy unit's environment and heap settings
 * (bench/lib/production-env.ts, src/daemon/heap.ts). Prints start / peak / end RSS, the growth after the first simulated day,
 * and (live) the venue audit: lost and duplicated orders and trades. Figures only, no assertions.
 *
 * Kills are not injected here: a restarted daemon starts its memory afresh, which would hide a leak; the
 * fault matrix (tests/integration/fault-matrix.test.ts) covers every kill point.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/paths.ts';
import { step, type Row } from '../tests/integration/matrix/driver.ts';
import { during, NETWORK_FAULTS } from '../tests/integration/matrix/scenarios.ts';
import { flipTemplate, World } from '../tests/integration/matrix/world.ts';
import { commandName, descendants, memoryMb } from './lib/proc.ts';
import { describeProductionEnv, productionEnv } from './lib/production-env.ts';

const HOUR = 3_600_000;
const CANDLE = 300_000;
const WARMUP_HOURS = 24;

interface Sample {
  hour: number;
  daemon: number;
  children: number;
  /** Sandbox children alive at the sample (deno). */
  childCount: number;
}

function sample(w: World, hour: number): Sample {
  const pid = w.running().pid;
  const kids = descendants(pid).filter((p) => commandName(p).startsWith('deno'));
  return { hour, daemon: memoryMb(pid), children: kids.reduce((s, p) => s + (memoryMb(p) || 0), 0), childCount: kids.length };
}

/**
 * The candles left in the hour but the last, at once: the daemon scans and trades them as fast as it
 * can (a close refused while its entry still settles is asked again on the next candle), and the next
 * step waits for it to catch up. Stepping each candle and its settle would pace the soak by the REST
 * budget (1 point a second) to about 2 s of real time per simulated 5 minutes.
 */
async function restOfTheHour(w: World, end: number): Promise<void> {
  const rest = end - w.sim.clock.now() - CANDLE;
  if (rest > 0) await w.sim.advance(rest);
}

/** Live: the daemon as `brain run --mode live` against the simulator in this process. */
async function liveSoak(template: string, hours: number): Promise<void> {
  const world = await World.open({ template, mode: 'live', seed: 72, env: productionEnv() });
  const started = performance.now();
  const samples: Sample[] = [];
  const rows: Row[] = [];
  let crashed: string | null = null;
  try {
    await world.start();
    samples.push(sample(world, 0));
    for (let hour = 1; hour <= hours; hour++) {
      const end = world.sim.clock.now() + HOUR;
      rows.push(await during(world, NETWORK_FAULTS[(hour - 1) % NETWORK_FAULTS.length]!));
      await restOfTheHour(world, end);
      // The burst's last entry may still be settling on the REST budget: its close is asked again each candle.
      await step(world, 'the trade after the hour', 12);
      samples.push(sample(world, hour));
    }
  } catch (err) {
    crashed = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  }
  const audit = world.audit();
  const exits = world.runs.length;
  await world.close();
  report('live (brain run against the simulator)', hours, samples, rows, audit, crashed, exits, (performance.now() - started) / 1000);
}

/** Paper: the daemon shares the simulator's clock (its fills carry its clock), so it runs in-process with it in a child. */
async function paperSoak(template: string, hours: number): Promise<void> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench/lib/paper-soak-child.ts'), String(hours), template], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...productionEnv() },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const samples: Sample[] = [];
  let done: { openOrders: number; fills: number; error: string | null } | null = null;
  for await (const line of createInterface({ input: child.stdout })) {
    const o = JSON.parse(line) as {
      hour?: number;
      rss?: number;
      children?: number;
      childCount?: number;
      done?: boolean;
      openOrders: number;
      fills: number;
      error: string | null;
    };
    if (o.done) done = o;
    else samples.push({ hour: o.hour!, daemon: o.rss!, children: o.children!, childCount: o.childCount! });
  }
  const crashed = done === null ? 'the paper soak process died without its last line' : done.error;
  report('paper (daemon + simulator in one process)', hours, samples, [], null, crashed, 1, (performance.now() - started) / 1000);
  if (done) console.log(`paper books: ${done.fills} fills, ${done.openOrders} orders still open at the end`);
}

function report(
  mode: string,
  hours: number,
  samples: Sample[],
  rows: Row[],
  audit: ReturnType<World['audit']> | null,
  crashed: string | null,
  runs: number,
  seconds: number,
): void {
  const mb = (x: number) => `${x.toFixed(1)} MB`;
  const peak = (k: 'daemon' | 'children') => Math.max(...samples.map((s) => s[k]));
  const first = samples[0];
  const last = samples.at(-1);
  const afterWarmup = samples.find((s) => s.hour === WARMUP_HOURS);
  console.log(
    `\n-- ${mode}: ${samples.length - 1} of ${hours} simulated hours in ${seconds.toFixed(0)} s real, ${runs} daemon run(s)${crashed ? `; STOPPED: ${crashed}` : ''}`,
  );
  if (!first || !last) return;
  console.log(`daemon RSS    start ${mb(first.daemon)}  peak ${mb(peak('daemon'))}  end ${mb(last.daemon)}`);
  console.log(
    `sandbox RSS   start ${mb(first.children)}  peak ${mb(peak('children'))}  end ${mb(last.children)}  (children alive: start ${first.childCount}, end ${last.childCount})`,
  );
  if (afterWarmup && last.hour > WARMUP_HOURS) {
    const growth = (k: 'daemon' | 'children') => ((last[k] - afterWarmup[k]) / afterWarmup[k]) * 100;
    console.log(
      `growth after the first simulated day (hour ${WARMUP_HOURS} → ${last.hour}): daemon ${growth('daemon').toFixed(1)} %, sandbox ${growth('children').toFixed(1)} %`,
    );
  }
  const every = Math.max(1, Math.floor(samples.length / 12));
  console.log(
    `daemon RSS by simulated hour: ${samples
      .filter((_, i) => i % every === 0 || i === samples.length - 1)
      .map((s) => `${s.hour}h ${s.daemon.toFixed(0)}`)
      .join(', ')} MB`,
  );
  if (audit) {
    console.log(
      `venue audit: ${audit.venueOrders} orders, ${audit.venueTrades} trades; lost ${audit.lost.length}, duplicated ${audit.duplicated.length}, disagreements ${audit.disagreements.length}`,
    );
    for (const p of [...audit.lost, ...audit.duplicated, ...audit.disagreements].slice(0, 5)) console.log(`  ${p}`);
    const failed = rows.filter((r) => r.outcome === 'FAILED');
    console.log(
      `faults injected: ${rows.length} (${rows.filter((r) => r.outcome === 'recovered').length} recovered, ${rows.filter((r) => r.outcome === 'halted safely').length} halted safely, ${failed.length} failed)`,
    );
    for (const r of failed.slice(0, 5)) console.log(`  FAILED ${r.fault}: ${r.notes}`);
  }
}

export default async function run(args: string[] = []): Promise<void> {
  const { values } = parseArgs({ args, options: { days: { type: 'string', default: '3' }, mode: { type: 'string' } }, allowPositionals: true, strict: false });
  const days = Number(values.days);
  if (!(days > 0)) throw new Error(`soak --days must be a positive number of simulated days, got ${String(values.days)}`);
  const hours = Math.round(days * 24);
  const dir = mkdtempSync(join(tmpdir(), 'brain-soak-'));
  console.log(describeProductionEnv());
  try {
    const template = await flipTemplate(dir);
    if (values.mode !== 'live') await paperSoak(template, hours);
    if (values.mode !== 'paper') await liveSoak(template, hours);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
