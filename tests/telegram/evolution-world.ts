/**
 * The console over the REAL evolution use cases, as the daemon wires them (src/daemon/evolution.ts
 * daemonEvolutionPort): a supervisor whose strategy switch is the real switch actor over a version store
 * on the console's database (the live host's hot swap faked: it commits at once), the bot on the loopback
 * Bot API, and the notifier hearing every announced event. Only the venue, the scanners and the paper
 * test's shadow are the supervisor fixture's fakes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { evolutionActors } from '../../actors/evolution.actors.ts';
import type { Clock } from '../../src/clock/clock.ts';
import { ConfigSchema } from '../../src/config/index.ts';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { daemonEvolutionPort } from '../../src/daemon/evolution.ts';
import { lazy, type Runtime } from '../../src/daemon/runtime.ts';
import { createRepositories, type Db } from '../../src/db/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { openVersionStore } from '../../src/versions/seed.ts';
import { startSupervisor, type Options } from '../machines/supervisor.fixtures.ts';
import { startHarness, type Harness } from './harness.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export interface EvolutionWorld {
  s: ReturnType<typeof startSupervisor>;
  h: Harness;
  rt: Runtime;
  /** The folder the version store writes the active module files to. */
  dir: string;
}

export async function evolutionWorld(
  o: {
    seed?: (db: Db, rt: Runtime) => void | Promise<void>;
    settings?: Record<string, unknown>;
    telegram?: Record<string, unknown>;
    supervisor?: Options;
    /** The daemon's (market) clock; default the supervisor fixture's start time, frozen. */
    clock?: Clock;
  } = {},
): Promise<EvolutionWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-evolution-console-'));
  dirs.push(dir);
  const rt: Runtime = {};
  const log = createLogger({ level: 'silent' });
  const config = ConfigSchema.parse({ pairs: ['BTC/USD', 'ETH/USD'], ...o.settings });
  // The supervisor fixture's SimulatedClock unless the test brings its own (read once the fixture exists).
  const daemonClock: Clock = o.clock ?? lazy(() => s.clock as unknown as Clock);
  const actors = evolutionActors({
    store: () => rt.versions!,
    swap: () => async (_v, commit) => commit(),
    onSwitched: (id) => (rt.strategyVersion = id),
    ledger: lazy(() => rt.repos!.ledger),
    evolution: lazy(() => rt.repos!.evolution),
    paperTests: lazy(() => rt.repos!.paperTests),
    rollbackLimits: config.rollback,
    assumed: { slippage: config.trading.slippageFraction, takerFee: config.trading.fallbackFees.taker },
    clock: daemonClock,
    log,
  });
  const s = startSupervisor({ ...o.supervisor, switchStrategy: actors.switchStrategy });
  await s.running();
  let h: Harness | undefined;
  const daemon = { actor: s.actor, runtime: rt, clock: daemonClock } as unknown as Daemon;
  const evolution = daemonEvolutionPort({
    daemon,
    config,
    log,
    dbPath: join(dir, 'unused.db'),
    repoRoot: PROJECT_ROOT,
    filesRoot: dir,
    clock: daemonClock,
    announce: (n) => h?.tg.notifier.notify(n),
  });
  h = await startHarness({
    actor: s.actor,
    ...(o.telegram ? { telegram: o.telegram } : {}),
    ...(o.settings ? { settings: o.settings } : {}),
    deps: { evolution },
    seed: async (db) => {
      rt.db = db;
      rt.repos = createRepositories(db);
      rt.versions = openVersionStore({ db, clock: daemonClock, repoRoot: PROJECT_ROOT, filesRoot: dir });
      await o.seed?.(db, rt);
    },
  });
  s.actor.on('*', (e) => h!.tg.notifier.notify(e));
  return { s, h, rt, dir };
}
