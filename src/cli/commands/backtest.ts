/**
 * `brain backtest`: runs a strategy version (or a strategy file, through the same static gates and
 * sandbox a candidate passes) over stored or CSV candles; progress on stderr, summary on stdout,
 * report folder printed, result stored in the backtests table with the version hash and data range.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { alignMarketData } from '../../backtest/data.ts';
import { engineConfig, type MarketData } from '../../backtest/engine.ts';
import { terminalSummary } from '../../backtest/report/index.ts';
import { BACKTEST_STAGES, runBacktest } from '../../backtest/run.ts';
import { runGates, type GateReport } from '../../backtest/validation/index.ts';
import { loadConfig, type Config } from '../../config/index.ts';
import { TimeframeSchema, timeframeMs, type Pair, type StrategyMeta, type Timeframe } from '../../contract/index.ts';
import { backtestsRepo } from '../../db/backtests.repo.ts';
import { candlesRepo } from '../../db/candles.repo.ts';
import { openDatabase, type Db } from '../../db/index.ts';
import { versionsRepo } from '../../db/versions.repo.ts';
import { csvPathFor, seriesFromCsvDir, seriesFromStore, type SeriesRequest } from '../../market/dataset.ts';
import { sandboxRunner } from '../../sandbox/backtest.ts';
import { formatIssue, Gates } from '../../sandbox/gates/index.ts';
import { StrategyHost } from '../../sandbox/host/strategy-host.ts';
import { pairsFlag, parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { PROJECT_ROOT } from '../../paths.ts';

const DEFAULT_STRATEGY_FILE = 'strategy/active/strategy.ts';
/** The installation root: the gates resolve a strategy's imports (src/contract, strategy/skills) here. */

interface ResolvedStrategy {
  versionId: string;
  bundle: string;
}

/** A file goes through the gates (its id is its bundle hash); otherwise an id or label from strategy_versions. */
async function resolveStrategy(spec: string | undefined, db: Db, cwd: string): Promise<ResolvedStrategy> {
  const versions = versionsRepo(db);
  if (spec === undefined) {
    const active = versions.active('strategy');
    const version = active && versions.get(active.versionId);
    if (version) return { versionId: version.id, bundle: version.bundle };
  }
  const path = spec === undefined ? join(PROJECT_ROOT, DEFAULT_STRATEGY_FILE) : resolve(cwd, spec);
  if (existsSync(path)) {
    // Checked as if it sat in the active slot, exactly as a candidate is.
    const outcome = await new Gates(PROJECT_ROOT).run({ kind: 'strategy', source: await readFile(path, 'utf8') });
    if (!outcome.ok) throw new Error(`${path} fails the static gates:\n${outcome.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    return { versionId: `sha256:${outcome.bundleSha256.slice(0, 16)}`, bundle: outcome.bundle };
  }
  const version = versions.get(spec!) ?? versions.byLabel('strategy', spec!);
  if (!version) throw new UsageError(`--strategy "${spec}" is neither a file nor a strategy version id or label (see strategy_versions)`);
  return { versionId: version.id, bundle: version.bundle };
}

function parseTime(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--${flag} must be a UTC date or time like 2024-09-01 or 2024-09-01T12:00Z, got "${value}"`);
  return t;
}

interface DataRequest extends SeriesRequest {
  dir: string | undefined;
  /** Candles before `tradeFrom` are strategy warm-up only. */
  tradeFrom: number;
}

async function loadData(req: DataRequest, db: Db): Promise<{ data: MarketData; start: number }> {
  const series = req.dir ? await seriesFromCsvDir(req.dir, req) : seriesFromStore(candlesRepo(db), req);
  const data = alignMarketData(series);
  const start = data.time.findIndex((t) => t >= req.tradeFrom);
  return { data, start: Math.max(0, start) };
}

export function dbPathOf(config: Config, io: CliIo): string {
  return config.data.dbPath === ':memory:' ? ':memory:' : resolve(io.cwd, config.data.dbPath);
}

function progressBar(io: CliIo): SingleBar {
  // Non-TTY (CI, pipes): one line per stage change instead of redraws; stdout stays clean.
  return new SingleBar({
    stream: io.stderr as NodeJS.WritableStream,
    format: 'backtest [{bar}] {value}/{total} {stage}',
    noTTYOutput: true,
    notTTYSchedule: 2000,
    gracefulExit: false,
    hideCursor: true,
  });
}

/** The configured costs and limits; engineConfig gives the breaker auto-resume (no operator in a backtest). */
function engineConfigFor(config: Config, pairs: readonly Pair[], meta: StrategyMeta, start: number) {
  const params = Object.fromEntries(Object.entries(meta.params).map(([k, spec]) => [k, spec.default]));
  return engineConfig(pairs, {
    initialCash: config.paper.startingBalanceUsd,
    slippage: config.trading.slippageFraction,
    limits: config.risk,
    params,
    fees: pairs.map(() => config.trading.fallbackFees),
    start,
  });
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

function gatesText(g: GateReport): string {
  const c = g.canaries;
  const verdict = (ok: boolean) => (ok ? 'ok' : 'FAILED');
  const mc = g.monteCarlo.shuffle;
  const lines = [
    `canaries: ${c.passed ? 'passed' : 'FAILED (the evaluator cannot be trusted on this data)'}  buy-and-hold ${verdict(c.buyAndHold.passed)}, random entries ${verdict(c.randomEntries.passed)}, future-peeking caught ${verdict(c.lookAhead.passed)}`,
    `Monte Carlo (${g.monteCarlo.runs} trade-order shuffles): max drawdown p95 ${pct(mc.maxDrawdown.p95)}, losing streak p95 ${mc.losingStreak.p95}`,
  ];
  if (g.lookAhead) {
    const bad = g.lookAhead.cuts.find((cut) => cut.mismatches.length > 0);
    lines.push(`look-ahead (${g.lookAhead.cuts.length} truncated re-runs): ${g.lookAhead.passed ? 'passed' : `FAILED, decisions change when the future is cut at step ${bad?.step}`}`);
  }
  if (g.walkForward) {
    const w = g.walkForward;
    const ratio = w.degradation === null ? 'n/a (in-sample return not positive)' : w.degradation.toFixed(2);
    lines.push(`walk-forward (${w.windows.length} windows): return per 1000 candles in-sample ${pct(w.meanIsScore * 1000)}, out-of-sample ${pct(w.meanOosScore * 1000)}, degradation ratio ${ratio}`);
  }
  if (g.jitter) lines.push(`parameter jitter ±10 % (${g.jitter.runs.length} runs): total return ${pct(g.jitter.worstReturn)} … ${pct(g.jitter.bestReturn)} (base ${pct(g.jitter.baseReturn)})`);
  if (!g.lookAhead) lines.push('look-ahead, walk-forward, jitter: skipped (--quick)');
  return lines.join('\n');
}

const OWN_FLAGS = {
  strategy: { type: 'string' },
  pairs: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  data: { type: 'string' },
  timeframe: { type: 'string' },
  out: { type: 'string' },
  quick: { type: 'boolean' },
} as const;

export const backtest: Command = {
  name: 'backtest',
  summary: 'Backtest a strategy over stored or CSV candles; writes an HTML/PNG report and a backtests row',
  usage: `usage: brain backtest [--strategy PATH|VERSION] [--pairs A/USD,B/USD] [--from DATE] [--to DATE] [--data DIR] [--timeframe TF] [--out DIR] [--quick] [config flags]
  --strategy PATH|VERSION  a strategy file (checked by the sandbox gates) or a strategy_versions id/label
                           (default: the active version, else ${DEFAULT_STRATEGY_FILE})
  --pairs A/USD,B/USD      pairs to trade (default: the configured pairs that have data)
  --from, --to DATE        UTC range [from, to) of candles traded, e.g. 2024-09-01 (default: all); warm-up comes before --from
  --data DIR               read <BASE>-<QUOTE>_<tf>.csv files from DIR instead of the database
  --timeframe TF           candle timeframe (default market.timeframe)
  --out DIR                report folder (default reports/backtest-<time>-<version>)
  --quick                  skip the gates that re-run the strategy (look-ahead, walk-forward, jitter)

Progress goes to stderr, the summary to stdout. The evaluator canaries and Monte Carlo run with
every backtest; look-ahead, walk-forward and parameter jitter re-run the strategy in its sandbox
unless --quick. Exits 1 if a canary or the look-ahead check fails. The breaker resumes by itself
after its cool-down (a backtest has no operator).

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, OWN_FLAGS);
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const tf = TimeframeSchema.safeParse(values.timeframe ?? config.market.timeframe);
    if (!tf.success) throw new UsageError(`--timeframe must be one of ${TimeframeSchema.options.join(', ')}, got "${values.timeframe}"`);
    const dir = values.data === undefined ? undefined : resolve(io.cwd, values.data);
    const withData = (p: Pair) => dir === undefined || existsSync(csvPathFor(dir, p, tf.data));
    const pairs = values.pairs === undefined ? config.pairs.filter(withData) : pairsFlag(values.pairs);
    if (pairs.length === 0) throw new UsageError(`no configured pair has ${tf.data} candles in ${dir}; pass --pairs and --timeframe to match the files`);
    const range = { from: parseTime('from', values.from, 0), to: parseTime('to', values.to, Number.MAX_SAFE_INTEGER) };
    const db = openDatabase({ path: dbPathOf(config, io) });
    const bar = progressBar(io);
    try {
      return await backtestWith({ config, db, io, bar, pairs, timeframe: tf.data, dir, range, values });
    } finally {
      bar.stop();
      db.close();
    }
  },
};

interface BacktestArgs {
  config: Config;
  db: Db;
  io: CliIo;
  bar: SingleBar;
  pairs: Pair[];
  timeframe: Timeframe;
  dir: string | undefined;
  /** Traded candles [from, to); warm-up is loaded before `from`. */
  range: { from: number; to: number };
  values: { strategy?: string; out?: string; quick?: boolean };
}

async function backtestWith(a: BacktestArgs): Promise<number> {
  a.bar.start(BACKTEST_STAGES.length + 2, 0, { stage: 'sandbox' });
  const strategy = await resolveStrategy(a.values.strategy, a.db, a.io.cwd);
  const host = await StrategyHost.start({ versionId: strategy.versionId, kind: 'strategy', bundle: strategy.bundle });
  try {
    const meta = host.meta as StrategyMeta;
    a.bar.increment(1, { stage: 'load data' });
    const from = a.range.from - meta.warmup * timeframeMs(a.timeframe);
    const { data, start } = await loadData({ pairs: a.pairs, timeframe: a.timeframe, from, to: a.range.to, dir: a.dir, tradeFrom: a.range.from }, a.db);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
    const reportDir = resolve(a.io.cwd, a.values.out ?? join('reports', `backtest-${stamp}-${strategy.versionId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 18)}`));
    const runner = sandboxRunner(host);
    const gateOptions = { quick: a.values.quick === true, specs: meta.params, onGate: (gate: string) => a.bar.update({ stage: `gates: ${gate}` }) };
    const out = await runBacktest(
      {
        runner,
        backtests: backtestsRepo(a.db),
        gates: (run) => runGates(runner, run, gateOptions),
        now: () => Date.now(),
        onStage: (stage) => a.bar.increment(1, { stage }),
      },
      { data, config: engineConfigFor(a.config, data.pairs, meta, start), reportDir, title: `Backtest ${meta.name} ${meta.version}` },
    );
    a.bar.increment(1, { stage: 'done' });
    a.bar.stop();
    const gates = out.gates as GateReport;
    a.io.stdout.write(`${terminalSummary(out.metrics)}\n\n${gatesText(gates)}\nstrategy ${strategy.versionId}  backtest id ${out.backtestId}\nreport ${out.report?.html ?? '(none)'}\n`);
    return gates.passed ? EXIT.ok : EXIT.failure;
  } finally {
    await host.close();
  }
}
