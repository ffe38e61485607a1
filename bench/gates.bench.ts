/**
 * The evolver's unit of work: N v001 parameter variants, each through the full gates (its backtest,
 * the evaluator canaries, Monte Carlo, the look-ahead cuts, walk-forward and ±10 % jitter, every run
 * replayed by the host), in ONE warm sandbox child with the 9-pair 5m year the sandbox bench builds.
 * Prints per-candidate wall seconds (median, p90), host and child CPU seconds, and the child's RSS
 * and data segment after each candidate: they must stay flat (the data segment is what the child's
 * 1 GiB RLIMIT_DATA caps: a child that grows dies at it mid-search).
 * Run: npm run bench -- gates        (BENCH_GATES_N=15 for more candidates; default 9)
 */
import { fileURLToPath } from 'node:url';
import { engineConfig } from '../src/backtest/engine-config.ts';
import { runBacktest } from '../src/backtest/run.ts';
import { runGates } from '../src/backtest/validation/index.ts';
import type { Params, StrategyMeta } from '../src/contract/index.ts';
import { PAIRS } from '../src/contract/pairs.ts';
import { sandboxRunner } from '../src/sandbox/backtest.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import { mulberry32 } from '../src/sim/rng.ts';
import { grid, v001Bundle } from './lib/sandbox-fixtures.ts';
import { cpuSeconds, memoryMb } from './lib/proc.ts';
import { median, quantile } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const YEAR_STEPS = 105_120;

/** Seeded variants of the declared parameters, as an evolver draws them: new indicator periods included. */
function variants(meta: StrategyMeta, n: number): Params[] {
  const rnd = mulberry32(2024);
  return Array.from({ length: n }, () => {
    const out: Params = {};
    for (const [name, spec] of Object.entries(meta.params)) {
      const v = spec.min + rnd() * (spec.max - spec.min);
      out[name] = spec.integer ? Math.round(v) : v;
    }
    return out;
  });
}

export default async function (): Promise<void> {
  const n = Number(process.env['BENCH_GATES_N'] ?? 9);
  const year = grid(YEAR_STEPS, PAIRS.length);
  const data = {
    pairs: PAIRS,
    time: year.time,
    columns: year.cols.map(([o, h, l, c, v]) => ({ time: year.time, open: o!, high: h!, low: l!, close: c!, volume: v! })),
  };
  const host = await StrategyHost.start({ versionId: 'v001', kind: 'strategy', bundle: await v001Bundle(ROOT) });
  const meta = host.meta as StrategyMeta;
  const runner = sandboxRunner(host);
  const wall: number[] = [];
  const hostCpu: number[] = [];
  const childCpu: number[] = [];
  console.log(
    `${n} v001 variants through the full gates, 9 pairs × ${YEAR_STEPS.toLocaleString('en')} 5m steps, one warm child (pid ${host.childPid}, RSS ${memoryMb(host.childPid).toFixed(0)} MiB after start):`,
  );
  for (const [i, params] of variants(meta, n).entries()) {
    const pid = host.childPid!;
    const c0 = cpuSeconds(pid);
    const h0 = process.cpuUsage();
    const t0 = performance.now();
    let line: string;
    try {
      const out = await runBacktest(
        { runner, gates: (run) => runGates(runner, run, { specs: meta.params }), now: () => 0 },
        { data, config: engineConfig(PAIRS, { params, start: meta.warmup }) },
      );
      const secs = (performance.now() - t0) / 1000;
      const h = process.cpuUsage(h0);
      wall.push(secs);
      hostCpu.push((h.user + h.system) / 1e6);
      if (host.childPid === pid) childCpu.push(cpuSeconds(pid) - c0);
      const passed = (out.gates as { passed: boolean }).passed;
      line = `${secs.toFixed(2)} s (host CPU ${hostCpu.at(-1)!.toFixed(2)} s, child CPU ${host.childPid === pid ? childCpu.at(-1)!.toFixed(2) : '?'} s), ${out.result.summary.trades} trades, gates ${passed ? 'passed' : 'failed'}`;
    } catch (err) {
      line = `FAILED after ${((performance.now() - t0) / 1000).toFixed(2)} s: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`;
    }
    const now = host.childPid;
    console.log(
      `  #${i + 1} ${line}, child RSS ${memoryMb(now).toFixed(0)} MiB, data segment ${memoryMb(now, 'VmData').toFixed(0)} MiB${now === pid ? '' : ` (child restarted: pid ${pid} -> ${now})`}`,
    );
  }
  const s = (xs: number[]) => `median ${median(xs).toFixed(2)} s, p90 ${quantile(xs, 0.9).toFixed(2)} s`;
  if (wall.length > 0) console.log(`  per completed candidate (${wall.length} of ${n}): wall ${s(wall)}; host CPU ${s(hostCpu)}; child CPU ${s(childCpu)}`);
  console.log(`  (the first candidate includes the dataset transfer and JIT warm-up; sandbox failures: ${JSON.stringify(host.failures())})`);
  await host.close();
}
