/**
 * A night under test: a migrated database file with v001 of the strategy and the statistics modules
 * stored and active, the fake Messages API on a SimulatedClock, the real cycle machine with its real
 * actors, a fake pipeline running the real static gates, canned statistics reports. The actor can be
 * stopped and started again on the same database, which is what a daemon restart does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, waitFor, type Actor } from 'xstate';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { ConfigSchema, type Config } from '../../src/config/index.ts';
import { createRepositories, openDatabase, type Db } from '../../src/db/index.ts';
import { orchestratorCyclesRepo } from '../../src/db/orchestrator-cycles.repo.ts';
import { versionsRepo } from '../../src/db/versions.repo.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/orchestrator/fake-api/server.ts';
import { dbLedgerReader } from '../../src/orchestrator/context/ledger-reader.ts';
import type { StatisticsReportEntry } from '../../src/orchestrator/context/sources.ts';
import type { EvolutionPorts, OfflineNightInput } from '../../src/orchestrator/pipeline-port.ts';
import type { NightDeps } from '../../src/orchestrator/steps/night-deps.ts';
import { cycleInput, cycleMachine, nightDeps } from '../../src/orchestrator/wiring.ts';
import type { orchestratorCycleMachine } from '../../machines/orchestrator-cycle.machine.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { sha256 } from '../../src/hash.ts';
import { fakePipeline, type FakePipeline } from './fake-pipeline.ts';
import { API_KEY, silent, T0 } from './helpers.ts';

export const SECRETS = {
  krakenApiKey: 'KRAKEN-KEY-0123456789abcdef',
  krakenApiSecret: 'S3NyYWtlbi1zZWNyZXQtdmFsdWUtMTIzNA==',
  anthropicApiKey: API_KEY,
  telegramBotToken: '123456:TELEGRAM-token-abcdefghij',
};

export const STATS_REPORTS: StatisticsReportEntry[] = [
  { name: 'market_analysis', versionId: 'sha256:ma', label: 'v001', report: { summary: 'BTC ranging, ETH trending down', metrics: { pairs: 2 } }, error: null },
  {
    name: 'trade_performance',
    versionId: 'sha256:tp',
    label: 'v001',
    report: { summary: '4 trades, win 50%', metrics: { trades: 4, winRate: 0.5 } },
    error: null,
  },
];

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface NightHarness {
  dir: string;
  db: Db;
  clock: ReturnType<typeof simulatedClock>;
  fake: FakeAnthropic;
  config: Config;
  pipeline: FakePipeline;
  offlineNights: OfflineNightInput[];
  deps: NightDeps;
  actor: Actor<typeof orchestratorCycleMachine>;
  /** Stops the actor (a crash: nothing more is persisted) and starts a new one on the same rows. */
  restart(): Promise<void>;
  /** Resolves when the crash point was reached and the first actor stopped. */
  crashed: Promise<void>;
  /** Sends the slot (or a run-now) once the actor has routed its record, without waiting for the end. */
  trigger(kind?: 'slot' | 'now'): Promise<void>;
  /** Starts the night and waits until it is done or failed. */
  night(trigger?: 'slot' | 'now'): Promise<ReturnType<NightHarness['actor']['getSnapshot']>>;
  settled(): Promise<ReturnType<NightHarness['actor']['getSnapshot']>>;
  close(): Promise<void>;
}

/** Where the first actor's process "dies": right after a step's answer is stored, after the pipeline took the candidate, or inside gathering. */
export type CrashPoint = { afterAnswer: 'analysis' | 'generation' | 'review' } | { afterSubmit: true } | { duringGather: true };

export interface HarnessOptions {
  crash?: CrashPoint;
  settings?: DeepPartial<Config['orchestrator']>;
  withKey?: boolean;
  screen?: Parameters<typeof fakePipeline>[0]['screen'];
  statistics?: StatisticsReportEntry[];
  ports?: Partial<EvolutionPorts>;
}

function storeActive(db: Db, kind: 'strategy' | 'statistics', name: string, path: string, at: number): void {
  const source = readFileSync(join(PROJECT_ROOT, path), 'utf8');
  const id = `sha256:${sha256(`${name}:${source}`).slice(0, 16)}`;
  const repo = versionsRepo(db);
  repo.insert({
    id,
    kind,
    name,
    label: 'v001',
    source,
    sourceSha256: sha256(source),
    bundle: '/* not run in these tests */',
    bundleSha256: 'x',
    parentId: null,
    authorKind: 'human',
    authorModel: null,
    promptSha256: null,
    createdAt: at,
    gateResults: {},
    backtestId: null,
    status: 'deployed',
  });
  repo.setActive({ slot: kind === 'strategy' ? 'strategy' : `statistics:${name}`, versionId: id, previousVersionId: null, switchedAt: at });
}

export async function nightHarness(o: HarnessOptions = {}): Promise<NightHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-night-'));
  const dbPath = join(dir, 'brain.db');
  const db = openDatabase({ path: dbPath });
  const clock = simulatedClock(T0);
  const fake = await startFakeAnthropic({ apiKey: API_KEY, clock });
  const secrets = o.withKey === false ? { ...SECRETS, anthropicApiKey: undefined } : SECRETS;
  const config = ConfigSchema.parse({ orchestrator: { ...o.settings, client: { maxRetries: 0, ...o.settings?.client, baseUrl: fake.baseURL } }, secrets });
  storeActive(db, 'strategy', 'strategy', 'strategy/active/strategy.ts', T0 - 10 * 86_400_000);
  storeActive(db, 'statistics', 'market_analysis', 'statistics/active/market_analysis.ts', T0 - 10 * 86_400_000);
  storeActive(db, 'statistics', 'trade_performance', 'statistics/active/trade_performance.ts', T0 - 10 * 86_400_000);
  const pipeline = fakePipeline({ now: () => clock.now(), ...(o.screen ? { screen: o.screen } : {}) });
  const offlineNights: OfflineNightInput[] = [];
  const ports: EvolutionPorts = {
    submitCandidate: (s) => pipeline.submit(s),
    runOfflineNight: async (i) => (offlineNights.push(i), { summary: 'searched the declared parameters', candidates: 3 }),
    ledger: dbLedgerReader(db),
    ...o.ports,
  };
  const reports = o.statistics ?? STATS_REPORTS;
  const deps = nightDeps({ db, dbPath, config, clock, log: silent, repoRoot: PROJECT_ROOT, ports, statistics: async () => reports });
  const snapshots = createRepositories(db).machineSnapshots;
  const start = (d: NightDeps) => createActor(cycleMachine(d, { snapshots, clock, log: silent }), { input: cycleInput(config, clock.now()), clock }).start();
  let crashed = (): void => undefined;
  const h: NightHarness = {
    dir,
    db,
    clock,
    fake,
    config,
    pipeline,
    offlineNights,
    deps,
    actor: undefined as never,
    crashed: new Promise<void>((resolve) => (crashed = resolve)),
    async restart() {
      h.actor.stop();
      h.actor = start(deps);
      await waitFor(h.actor, (s) => !s.matches('resuming'));
    },
    async trigger(kind = 'slot') {
      await waitFor(h.actor, (s) => !s.matches('resuming'));
      h.actor.send(
        kind === 'slot' ? { type: 'orchestrator.slot', due: clock.now(), at: clock.now() } : { type: 'orchestrator.runNow', by: 'test', at: clock.now() },
      );
    },
    async night(kind = 'slot') {
      await h.trigger(kind);
      return h.settled();
    },
    settled: () => waitFor(h.actor, (s) => s.matches('done') || s.matches('failed'), { timeout: 30_000 }),
    async close() {
      h.actor.stop();
      await fake.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  h.actor = start(o.crash ? crashing(deps, o.crash, () => (h.actor.stop(), crashed())) : deps);
  return h;
}

/**
 * The first actor's dependencies, dying at `point` like a killed process: the actor stops there, and
 * every later write of the step still running (its promise outlives the stopped actor in a test, not
 * in a real crash) fails, so nothing after the crash point reaches the database.
 */
function crashing(deps: NightDeps, point: CrashPoint, die: () => void): NightDeps {
  let dead = false;
  const kill = () => {
    dead = true;
    die();
  };
  const cycles = new Proxy(deps.cycles, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (dead) throw new Error('the process died');
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (key === 'storeAnswer' && 'afterAnswer' in point && (args[0] as { step: string }).step === point.afterAnswer) kill();
        return r;
      };
    },
  });
  const never = new Promise<never>(() => undefined);
  const ports: EvolutionPorts = {
    ...deps.ports,
    submitCandidate: async (s) => {
      const outcome = await deps.ports.submitCandidate(s);
      if ('afterSubmit' in point) {
        kill();
        return never;
      }
      return outcome;
    },
  };
  const sources = 'duringGather' in point ? { ...deps.sources, statistics: async () => (kill(), never) } : deps.sources;
  return { ...deps, cycles, ports, sources };
}

export function cyclesOf(h: NightHarness) {
  return orchestratorCyclesRepo(h.db);
}

export const messagesCalls = (h: NightHarness) => h.fake.requests.filter((r) => r.path === '/v1/messages');
