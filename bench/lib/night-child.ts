/**
 * A daemon's RSS across one nightly cycle, run as its own process by bench/footprint.bench.ts: a replay
 * daemon (in-process with the simulator, as the paper soak's, src/daemon/replay.ts) on a fresh database
 * takes the scheduler's nightly slot without a model key, so the offline evolver gates and stores
 * candidates, as tests/integration/nightly-offline.test.ts drives it. Applies brain run's heap flags; its
 * environment is the deploy unit's. Prints one JSON line: { before, after, typescript } (MB, MB, whether
 * the daemon's process loaded the TypeScript compiler).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tuneHeap } from '../../src/daemon/heap.ts';
import { DEMO_EVOLUTION } from '../../src/daemon/demo-night.ts';
import { startReplay } from '../../src/daemon/replay.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { Gates } from '../../src/sandbox/gates/index.ts';
import { DEFAULT_SIM_DATA_DIR } from '../../src/sim/index.ts';
import { memoryMb } from './proc.ts';

tuneHeap();
const PAIRS = ['BTC/USD', 'ETH/USD'] as const;
const workDir = mkdtempSync(join(tmpdir(), 'brain-bench-night-'));
const quiet = () => new Promise((r) => setTimeout(r, 1500));
try {
  const replay = await startReplay({
    workDir,
    repoRoot: PROJECT_ROOT,
    log: createLogger({ level: 'silent' }),
    pairs: [...PAIRS],
    days: 0.25,
    settings: { orchestrator: { enabled: true }, evolution: { ...DEMO_EVOLUTION, evolver: { budgetMinutes: 0.05, rungSize: 4, fullGates: 2 } } },
    orchestrator: { candles: { dir: DEFAULT_SIM_DATA_DIR, pairs: [...PAIRS] } },
    // As `brain run` gates (startDaemon's default); a replay gates in-process unless told.
    gates: new Gates(PROJECT_ROOT, { process: {} }),
  });
  await replay.run();
  await quiet();
  const before = memoryMb(process.pid);
  const finished = new Promise<void>((resolve) => replay.daemon.actor.on('orchestrator.cycleFinished', () => resolve()));
  const now = replay.daemon.actor.getSnapshot().context.now;
  replay.daemon.actor.send({ type: 'schedule.orchestrator', due: now, time: now });
  await finished;
  await quiet();
  const typescript = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/typescript/'));
  process.stdout.write(`${JSON.stringify({ before, after: memoryMb(process.pid), typescript })}\n`);
  await replay.close();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
