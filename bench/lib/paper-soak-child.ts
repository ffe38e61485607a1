/**
 * The paper half of the soak, run as its own process by bench/soak.bench.ts. A paper daemon stamps its
 * fills with its own clock, so it must share the simulator's clock: it runs in-process with the
 * simulator (src/daemon/replay.ts, as `brain demo` does), and the RSS measured here is the daemon's plus
 * the simulator's. Argument: the hours to run and the flip database to copy. Prints one JSON line per
 * simulated hour ({ hour, rss, children, childCount, fault }) and a last line { done, openOrders, fills, error }.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tuneHeap } from '../../src/daemon/heap.ts';
import { startReplay } from '../../src/daemon/replay.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { Worker } from 'node:worker_threads';
import { commandName, descendants, memoryMb } from './proc.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

const [hoursArg, template] = process.argv.slice(2);
const hours = Number(hoursArg);
if (!(hours > 0) || !template) throw new Error(`usage: paper-soak-child.ts HOURS FLIP_DB (got ${hoursArg}, ${template})`);

const root = mkdtempSync(join(tmpdir(), 'brain-paper-soak-'));
copyFileSync(template, join(root, 'brain.db'));
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sample = (hour: number, fault: string) => {
  const kids = descendants(process.pid).filter((p) => commandName(p).startsWith('deno'));
  emit({ hour, rss: memoryMb(process.pid), children: kids.reduce((s, p) => s + (memoryMb(p) || 0), 0), childCount: kids.length, fault });
};

/** What reaches a paper daemon: its feed (dropped, dark for ten minutes) and its database (locked by another connection). */
const FAULTS: ReadonlyArray<{ name: string; run: (r: Awaited<ReturnType<typeof startReplay>>) => Promise<void> }> = [
  { name: 'WS drop (public feed)', run: async (r) => void r.sim.faults.dropWs('all') },
  {
    name: 'network dark for 10 simulated minutes',
    run: async (r) => {
      r.sim.faults.goDark();
      for (let m = 0; m < 10; m++) await r.step(MINUTE);
      r.sim.faults.comeBack();
    },
  },
  { name: 'database locked by another connection (3 s)', run: async () => lockFromAnotherThread(join(root, 'brain.db'), 3_000) },
];

/**
 * The lock must be held and released off this thread: the daemon's writes wait on SQLite's busy timeout
 * synchronously, which would hold up a timer here (the lock's release) for the whole timeout.
 */
function lockFromAnotherThread(path: string, ms: number): Promise<void> {
  const code = `const { workerData } = require('node:worker_threads'); const Database = require('libsql');
    const db = new Database(workerData.path, { timeout: 10000 }); db.exec('BEGIN EXCLUSIVE');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, workerData.ms);`;
  const worker = new Worker(code, { eval: true, workerData: { path, ms } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
}

// What `brain run` applies to itself (this process stands in for it; its environment is the deploy unit's).
tuneHeap();
let error: string | null = null;
const replay = await startReplay({
  workDir: root,
  repoRoot: PROJECT_ROOT,
  log: createLogger({ level: 'silent' }),
  mode: 'paper',
  pairs: ['BTC/USD'],
  days: hours / 24 + 0.1,
  warmupDays: 1,
  seed: 72,
  settings: { risk: { resume: 'auto', maxConsecutiveLosses: 100, dailyLossFraction: 1, maxDrawdownFraction: 1, reducingDrawdownFraction: 0.99 } },
});
try {
  sample(0, '');
  for (let hour = 1; hour <= hours; hour++) {
    const end = replay.sim.clock.now() + HOUR;
    const fault = FAULTS[(hour - 1) % FAULTS.length]!;
    await fault.run(replay);
    while (replay.sim.clock.now() < end) await replay.step();
    sample(hour, fault.name);
  }
} catch (err) {
  error = err instanceof Error ? err.message.split('\n')[0]! : String(err);
}
const repos = replay.daemon.runtime.repos;
const all: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
emit({ done: true, openOrders: repos?.orders.open().length ?? -1, fills: repos?.fills.inRange(...all).length ?? -1, error });
await replay.close();
rmSync(root, { recursive: true, force: true });
