/**
 * The fault matrix's world: the Kraken simulator in the test process (it outlives every kill of the
 * daemon), one database prepared once with the flip strategy deployed, and the real `brain run` in live
 * mode as a child process pointed at the simulator by its kraken.* keys. The simulator's clock moves only
 * when the matrix steps a candle, so each fault lands at a point chosen by the matrix, not by timing.
 */
import { EventEmitter } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../../../src/clock/clock.ts';
import { openDatabase, type Db } from '../../../src/db/index.ts';
import { PROJECT_ROOT } from '../../../src/paths.ts';
import { SIM_TEST_ACCOUNT, startKrakenSim, type KrakenSim } from '../../../src/sim/index.ts';
import { openVersionStore, seedInitialVersions } from '../../../src/versions/seed.ts';
import { auditAgainstVenue, type Audit } from './audit.ts';
import { DaemonProcess, type Exit, type LogLine } from './daemon-process.ts';

const CANDLE = 300_000;
const DAY = 86_400_000;
/** The simulator starts this far into data/sample, so the daemon's REST bootstrap finds history. */
const HISTORY_DAYS = 3;

/**
 * Short order deadlines, so a restart's reconciliation takes seconds (the defaults are 15/30/5 s). The
 * pro tier's REST budget (20 points, 1 back per second) is for speed only: the daemon here runs on real
 * time, and at the starter tier's 0.33 points per second a restart's sweeps (about 20 points, its saved
 * counter included) take half a minute of real time each, several minutes over the matrix. Orders no
 * longer wait for the sweeps at any tier (src/kraken/lanes.ts); that the entry after a restart goes out
 * at starter limits and the default deadlines is tests/integration/order-lane-restart.test.ts, on the
 * simulator's clock.
 */
const FAST_ORDERS = [
  'orders.ackTimeoutSeconds=5',
  'orders.settleTimeoutSeconds=1',
  'orders.requerySeconds=0.5',
  'orders.maxQueries=3',
  'orders.restTimeoutSeconds=2',
  'orders.balanceRecheckSeconds=0.5',
  'orders.krakenTier=pro',
];
/** The flip strategy loses its fees on every trade: the loss limits must not stop it. */
const LOOSE_RISK = [
  'risk.maxConsecutiveLosses=100',
  'risk.dailyLossFraction=1',
  'risk.maxDrawdownFraction=1',
  'risk.reducingDrawdownFraction=0.99',
  'risk.resume=auto',
];
/** No chores on the real clock (audit, backup, nightly cycle), no health port, no Telegram: one process, one concern. */
const QUIET = ['health.port=0', 'orchestrator.enabled=false', 'telegram.enabled=false', 'audit.enabled=false', 'backup.enabled=false', 'log.format=json'];

/** One database with the versions seeded and the flip strategy deployed (the gates run once), copied for each world. */
export async function flipTemplate(dir: string): Promise<string> {
  const path = join(dir, 'template.db');
  const db = openDatabase({ path });
  try {
    const store = openVersionStore({ db, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: dir });
    await seedInitialVersions(store, PROJECT_ROOT);
    const source = readFileSync(join(PROJECT_ROOT, 'tests/integration/fixtures/flip-strategy.ts'), 'utf8').replaceAll("'../../../src/", "'../../src/");
    const r = await store.submit({ kind: 'strategy', name: 'strategy', source, author: { kind: 'human' } });
    if (!r.ok) throw new Error(`flip strategy refused: ${JSON.stringify(r.issues)}`);
    await store.deploy(r.version.id);
    db.exec(`VACUUM INTO '${join(dir, 'flip.db')}'`);
  } finally {
    db.close();
  }
  return join(dir, 'flip.db');
}

export interface WorldOptions {
  template: string;
  seed?: number;
  /** Extra `--set key=value` for the daemon. */
  settings?: readonly string[];
  /** Where the daemon's database lives (a small filesystem for the disk-full fault); default the work dir. */
  dataDir?: string;
  preload?: string;
  /** live (default): orders go to the simulator; paper: the daemon's paper venue fills them on the simulator's prices. */
  mode?: 'live' | 'paper';
  /** More environment for the daemon (the soak bench gives it the deploy unit's memory settings). */
  env?: Readonly<Record<string, string>>;
}

export class World {
  readonly simEvents = new EventEmitter();
  daemon: DaemonProcess | null = null;
  /** Every daemon this world started, for the log of the whole run. */
  readonly runs: DaemonProcess[] = [];
  private readOnly: Db | null = null;
  /** The simulator's own log, kept only when BRAIN_MATRIX_LOG names a file to dump it to. */
  private simLines: string[] = [];

  private constructor(
    readonly sim: KrakenSim,
    readonly workDir: string,
    readonly dbPath: string,
    readonly startUsd: number,
    private readonly o: WorldOptions,
  ) {}

  static async open(o: WorldOptions): Promise<World> {
    const workDir = mkdtempSync(join(tmpdir(), 'brain-matrix-'));
    const dataDir = o.dataDir ?? join(workDir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const dbPath = join(dataDir, 'brain.db');
    // The template is a VACUUM INTO copy: one file, no WAL beside it.
    copyFileSync(o.template, dbPath);
    const simEvents = new EventEmitter();
    const simLines: string[] = [];
    // Debug level for the records the matrix waits on ('rest request', 'order event'); nothing else is parsed.
    const logger = pino(
      { level: 'debug' },
      {
        write: (line: string) => {
          if (process.env['BRAIN_MATRIX_LOG']) simLines.push(line.trimEnd());
          if (line.includes('"msg":"rest request"') || line.includes('"msg":"order event"')) simEvents.emit('record', JSON.parse(line));
        },
      },
    );
    const first = Date.UTC(2024, 8, 1);
    const sim = await startKrakenSim({ pairs: ['BTC/USD'], seed: o.seed ?? 18, startTime: first + HISTORY_DAYS * DAY, logger, rateLimits: false });
    const world = new World(sim, workDir, dbPath, sim.engine.balances()['ZUSD']?.balance ?? 0, o);
    world.simLines = simLines;
    simEvents.on('record', (r) => world.simEvents.emit('record', r));
    return world;
  }

  /** Starts `brain run` and resolves once it trades and has compared the venue's balances with its ledger. */
  async start(): Promise<DaemonProcess> {
    if (this.daemon) throw new Error('a daemon is already running in this world');
    if (this.runs.length > 0) this.forgetRateCounter();
    const args = ['--mode', this.o.mode ?? 'live', '--pairs', 'BTC/USD', '--db', this.dbPath];
    const sets = [
      `kraken.restUrl=${this.sim.restUrl}`,
      `kraken.wsUrl=${this.sim.wsPublicUrl}`,
      `kraken.wsAuthUrl=${this.sim.wsPrivateUrl}`,
      'isolation.requireNamespacesInLive=false',
      ...(process.env['BRAIN_MATRIX_LOG'] ? ['log.level=debug'] : []),
      ...FAST_ORDERS,
      ...LOOSE_RISK,
      ...QUIET,
      ...(this.o.settings ?? []),
    ];
    const env = { ...this.o.env, KRAKEN_API_KEY: SIM_TEST_ACCOUNT.key, KRAKEN_API_SECRET: SIM_TEST_ACCOUNT.secret };
    const d = DaemonProcess.start({
      cwd: this.workDir,
      args: [...args, ...sets.flatMap((s) => ['--set', s])],
      env,
      ...(this.o.preload ? { preload: this.o.preload } : {}),
    });
    this.daemon = d;
    this.runs.push(d);
    await d.waitFor('brain running', (l) => l.msg === 'brain running');
    // Live compares the venue's balances with its ledger once it is up; paper has no venue to ask.
    if ((this.o.mode ?? 'live') === 'live') await this.balanceVerdict(0);
    return d;
  }

  /**
   * A restarted daemon starts from the REST counter its last run saved and waits, in real time, for it to
   * decay before its sweeps (about 20 s a restart at the pro tier: minutes over the matrix). The simulator
   * here enforces no rate limit and the matrix is about orders and fills, so each restart begins as after a
   * quiet minute. The saved counter itself is tested on the simulated clock (tests/kraken/rate.test.ts,
   * tests/integration/order-lane-restart.test.ts).
   */
  private forgetRateCounter(): void {
    const db = openDatabase({ path: this.dbPath });
    try {
      db.exec('DELETE FROM kraken_rate_counter');
    } catch {
      // A full disk (its own row) refuses the write: that restart waits for the counter, which is only slower.
    } finally {
      db.close();
    }
  }

  /** The daemon's next balance verdict from `from` on (agree or differ). */
  balanceVerdict(from: number): Promise<LogLine> {
    return this.running().waitFor('a balance verdict', (l) => l.msg.startsWith('venue balances '), { from });
  }

  /** Stops the daemon with `sig` and resolves with how it exited. */
  async stop(sig: NodeJS.Signals): Promise<Exit> {
    const d = this.running();
    d.signal(sig);
    const exit = await d.exited;
    this.daemon = null;
    return exit;
  }

  running(): DaemonProcess {
    if (!this.daemon) throw new Error('no daemon is running in this world: start() it first');
    return this.daemon;
  }

  /** Moves the market one candle on: the candle that was forming closes and the daemon scans it. */
  async candle(): Promise<void> {
    await this.sim.advance(CANDLE);
  }

  /** The simulator's next record matching `pred` ('rest request' with its method, 'order event' with its clOrdId). */
  simRecord(what: string, pred: (r: Record<string, unknown>) => boolean, limitMs = 30_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      // A real-time limit only as a safety net against a daemon that never gets there: it names what was awaited.
      const timer = setTimeout(() => {
        this.simEvents.off('record', on);
        reject(new Error(`the simulator saw no ${what} within ${limitMs} ms\n${this.daemon?.tail() ?? '(no daemon running)'}`));
      }, limitMs);
      const on = (r: Record<string, unknown>) => {
        if (!pred(r)) return;
        clearTimeout(timer);
        this.simEvents.off('record', on);
        resolve(r);
      };
      this.simEvents.on('record', on);
    });
  }

  /** The daemon's database, read-only (WAL: it reads while the daemon writes). */
  db(): Db {
    this.readOnly ??= openDatabase({ path: this.dbPath, readonly: true });
    return this.readOnly;
  }

  audit(): Audit {
    return auditAgainstVenue(this.db(), this.sim, this.startUsd);
  }

  async close(): Promise<void> {
    if (this.daemon) await this.stop('SIGKILL');
    // BRAIN_MATRIX_LOG=<file>: every run's log lines, to read what a failed row went through.
    const named = process.env['BRAIN_MATRIX_LOG'];
    // One file per world: `<name>.<work dir>` for the daemon's runs, `.sim` beside it for the simulator.
    const dump = named ? `${named}.${basename(this.workDir)}` : undefined;
    if (dump)
      writeFileSync(
        dump,
        this.runs
          .map((r, i) => [`--- run ${i + 1}`, ...r.lines.map((l) => JSON.stringify(l)), ...r.stderr])
          .flat()
          .join('\n'),
      );
    if (dump) writeFileSync(`${dump}.sim`, this.simLines.join('\n'));
    this.readOnly?.close();
    await this.sim.close();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
