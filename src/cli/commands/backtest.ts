/**
 * `brain backtest`: runs a strategy version (or a strategy file, through the same static gates and
 * sandbox a candidate passes) over stored or CSV candles; progress on stderr, summary on stdout, the
 * report folder when asked (--report, --out), result stored in the backtests table with the version hash and data range.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { terminalSummary } from '../../backtest/report/summary.ts';
import { BACKTEST_STAGES } from '../../backtest/run.ts';
import type { GateReport } from '../../backtest/validation/index.ts';
import { loadConfig, type Config } from '../../config/index.ts';
import { TimeframeSchema, type Pair, type Timeframe } from '../../contract/index.ts';
import type { Db } from '../../db/connection.ts';
import { ledgerRepo } from '../../db/ledger.repo.ts';
import { openDatabase } from '../../db/open.ts';
import { backtestTrials } from '../../evolution/ledger.ts';
import { csvPathFor } from '../../market/dataset.ts';
import { evaluateStrategy } from '../../versions/evaluate-strategy.ts';
import { DEFAULT_STRATEGY_FILE, EvaluateError } from '../../versions/resolve.ts';
import { pairsFlag, parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';

function parseTime(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--${flag} must be a UTC date or time like 2024-09-01 or 2024-09-01T12:00Z, got "${value}"`);
  return t;
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
    lines.push(
      `look-ahead (${g.lookAhead.cuts.length} truncated re-runs): ${g.lookAhead.passed ? 'passed' : `FAILED, decisions change when the future is cut at step ${bad?.step}`}`,
    );
  }
  if (g.walkForward) {
    const w = g.walkForward;
    const ratio = w.degradation === null ? 'n/a (in-sample return not positive)' : w.degradation.toFixed(2);
    lines.push(
      `walk-forward (${w.windows.length} windows): return per 1000 candles in-sample ${pct(w.meanIsScore * 1000)}, out-of-sample ${pct(w.meanOosScore * 1000)}, degradation ratio ${ratio}`,
    );
  }
  if (g.jitter)
    lines.push(
      `parameter jitter ±10 % (${g.jitter.runs.length} runs): total return ${pct(g.jitter.worstReturn)} … ${pct(g.jitter.bestReturn)} (base ${pct(g.jitter.baseReturn)})`,
    );
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
  report: { type: 'boolean' },
  quick: { type: 'boolean' },
} as const;

export const backtest: Command = {
  name: 'backtest',
  usage: `usage: brain backtest [--strategy PATH|VERSION] [--pairs A/USD,B/USD] [--from DATE] [--to DATE] [--data DIR] [--timeframe TF] [--report] [--out DIR] [--quick] [config flags]
  --strategy PATH|VERSION  a strategy file (checked by the sandbox gates) or a strategy_versions id/label
                           (default: the active version, else ${DEFAULT_STRATEGY_FILE})
  --pairs A/USD,B/USD      pairs to trade (default: the configured pairs that have data)
  --from, --to DATE        UTC range [from, to) of candles traded, e.g. 2024-09-01 (default: all); warm-up comes before --from
  --data DIR               read <BASE>-<QUOTE>_<tf>.csv files from DIR instead of the database
  --timeframe TF           candle timeframe (default market.timeframe)
  --report                 write the HTML/PNG report to reports/backtest-<time>-<version>
  --out DIR                write the HTML/PNG report to DIR instead
  --quick                  skip the gates that re-run the strategy (look-ahead, walk-forward, jitter)

Progress goes to stderr, the summary to stdout. The evaluator canaries and Monte Carlo run with
every backtest; look-ahead, walk-forward and parameter jitter re-run the strategy in its sandbox
unless --quick. Without --report or --out no report folder is written (its charts cost more than
a --quick run's gates); the summary and the stored row carry the same figures. Exits 1 if a canary
or the look-ahead check fails. The breaker resumes by itself after its cool-down (a backtest has
no operator). A strategy file's static-gate verdict is kept by content beside the database
(gate-cache/): an unchanged file, contract, skills, gate code and compiler versions skip the compiler.
The canaries' report is kept there too (canary-cache/), by candles, costs and engine code.

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
    const dbPath = dbPathOf(config, io);
    const db = openDatabase({ path: dbPath });
    const gateCacheDir = dbPath === ':memory:' ? undefined : join(dirname(dbPath), 'gate-cache');
    const canaryCacheDir = dbPath === ':memory:' ? undefined : join(dirname(dbPath), 'canary-cache');
    const bar = progressBar(io);
    try {
      return await backtestWith({ config, db, io, bar, pairs, timeframe: tf.data, dir, range, values, gateCacheDir, canaryCacheDir });
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
  values: { strategy?: string; out?: string; report?: boolean; quick?: boolean };
  /** Where the static gates' verdicts are cached; none for an in-memory database. */
  gateCacheDir: string | undefined;
  /** Where the canaries' reports are cached; none for an in-memory database. */
  canaryCacheDir: string | undefined;
}

async function backtestWith(a: BacktestArgs): Promise<number> {
  a.bar.start(BACKTEST_STAGES.length + 2, 0, { stage: 'sandbox' });
  const out = await evaluateStrategy(
    {
      db: a.db,
      config: a.config,
      now: () => Date.now(),
      onLoaded: () => a.bar.increment(1, { stage: 'load data' }),
      onStage: (stage) => a.bar.increment(1, { stage }),
      onGate: (gate) => a.bar.update({ stage: `gates: ${gate}` }),
      trials: backtestTrials(ledgerRepo(a.db), `cli ${a.io.env.USER ?? 'operator'}`),
      ...(a.gateCacheDir ? { gateCacheDir: a.gateCacheDir } : {}),
      ...(a.canaryCacheDir ? { canaryCacheDir: a.canaryCacheDir } : {}),
    },
    {
      strategy: a.values.strategy,
      cwd: a.io.cwd,
      pairs: a.pairs,
      timeframe: a.timeframe,
      dir: a.dir,
      range: a.range,
      quick: a.values.quick === true,
      report: a.values.out ?? a.values.report === true,
    },
  ).catch((err: unknown) => {
    // An unknown --strategy is a bad command line (exit 2 with the usage), not a failed run.
    throw err instanceof EvaluateError && err.code === 'unknown_strategy' ? new UsageError(err.message) : err;
  });
  a.bar.increment(1, { stage: 'done' });
  a.bar.stop();
  a.io.stdout.write(
    `${terminalSummary(out.metrics)}\n\n${gatesText(out.gates)}\nstrategy ${out.versionId}  backtest id ${out.backtestId}\nreport ${out.report?.html ?? '(none: pass --report or --out DIR for the HTML/PNG report)'}\n`,
  );
  return out.gates.passed ? EXIT.ok : EXIT.failure;
}
