/**
 * `brain evolve`: the offline evolver around the active strategy (src/evolution/setup.ts evolve), on a
 * CSV folder or the candle store; progress on stderr, the report on stdout; its winner's paper test is
 * announced to a running daemon over the control socket (or waits for its next boot).
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { csvPathFor } from '../../market/dataset.ts';
import { daemonAnnouncer } from '../../control/from-cli.ts';
import { systemClock } from '../../clock/clock.ts';
import { loadConfig } from '../../config/index.ts';
import { openDatabase } from '../../db/index.ts';
import { shortHash } from '../../evolution/content.ts';
import type { EvolverReport } from '../../evolution/evolver.ts';
import { evolve } from '../../evolution/setup.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type Command } from '../command.ts';
import { dbPathOf } from './backtest.ts';

const OWN_FLAGS = {
  budget: { type: 'string' },
  data: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  'max-candidates': { type: 'string' },
} as const;

/** "90s", "10m", "1.5h" → milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text.trim());
  if (!m) throw new UsageError(`--${flag} must be a duration like 90s, 10m or 1.5h, got "${text}"`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

function int(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer in ${min}..${max}, got "${text}"`);
  return n;
}

function time(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--${flag} must be a UTC date like 2024-09-01, got "${text}"`);
  return t;
}

export function reportText(r: EvolverReport): string {
  const perTen = (n: number) => (r.elapsedMs > 0 ? ((n * 600_000) / r.elapsedMs).toFixed(0) : '0');
  const lines = [
    `evolver seed ${r.seed}: ${r.rounds} rounds in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `candidates drawn ${r.drawn} (${r.duplicates} seen before), screened ${r.screened} (${r.screenRuns} screen runs), through the full gates ${r.fullyGated}, passed ${r.passedGates}, evaluations that failed ${r.failedEvaluations}`,
    `rate per 10 minutes: ${perTen(r.screened)} screened, ${perTen(r.fullyGated)} fully gated`,
  ];
  if (!r.best) lines.push('no candidate passed every gate; the incumbent stays');
  else lines.push(`best ${shortHash(r.best.contentHash)} ${JSON.stringify(r.best.params)} (OOS edge lower bound ${r.best.score?.toPrecision(3) ?? 'n/a'})`);
  const o = r.outcome;
  if (o?.status === 'paperTest') lines.push(`stored as ${o.versionId}; paper test ${o.paperTestId} scheduled (brain papertest show ${o.paperTestId})`);
  else if (o?.status === 'refused') lines.push(`refused at ${o.stage} by ${o.failedGate}: ${o.reason}`);
  return lines.join('\n');
}

export const evolveCommand: Command = {
  name: 'evolve',
  usage: `usage: brain evolve [--budget 10m] [--data DIR] [--from DATE] [--to DATE] [--seed N] [--workers N] [--max-candidates N] [config flags]
  --budget DURATION      wall-clock budget, e.g. 90s, 10m, 1h (default evolution.evolver.budgetMinutes)
  --data DIR             judge on <BASE>-<QUOTE>_<tf>.csv files in DIR instead of the candle store
  --from, --to DATE      UTC candle range (default: the last evolution.policy.dataDays up to now)
  --seed N               search seed (default evolution.evolver.seed); the same seed draws the same candidates
  --workers N            sandbox children at once, one warm child each (default evolution.evolver.workers)
  --max-candidates N     stop after N candidates drawn (a reproducible run regardless of speed)

Candidates are screened on a short in-sample window, the best on longer ones (successive halving),
the best of each round through the full gates against the active version. Everything tried goes into
the ledger (brain ledger). Progress on stderr; the report on stdout. Exits 1 when nothing passed.

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, OWN_FLAGS);
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const budgetMs = values.budget === undefined ? config.evolution.evolver.budgetMinutes * 60_000 : parseDuration('budget', values.budget);
    const seed = int('seed', values.seed, 0, 2 ** 31 - 1);
    const workers = int('workers', values.workers, 1, 16);
    const maxCandidates = int('max-candidates', values['max-candidates'], 1, 1_000_000);
    const db = openDatabase({ path: dbPathOf(config, io) });
    const daemon = daemonAnnouncer({ config, cwd: io.cwd, user: userInfo().username });
    try {
      const dir = values.data === undefined ? undefined : resolve(io.cwd, values.data);
      const pairs = dir === undefined ? config.pairs : config.pairs.filter((p) => existsSync(csvPathFor(dir, p, config.market.timeframe)));
      if (pairs.length === 0) throw new UsageError(`no configured pair has ${config.market.timeframe} candles in ${dir}; pass --pairs to match the files`);
      const from = time('from', values.from);
      const to = time('to', values.to);
      const report = await evolve(
        {
          db,
          config,
          clock: systemClock,
          repoRoot: PROJECT_ROOT,
          filesRoot: io.cwd,
          candles: { pairs, ...(dir ? { dir } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
          onProgress: (line) => io.stderr.write(`${line}\n`),
          ...(workers ? { workers } : {}),
          notify: daemon.notify,
        },
        { ms: budgetMs, ...(seed !== undefined ? { seed } : {}), ...(maxCandidates ? { maxCandidates } : {}) },
      );
      io.stdout.write(`${reportText(report)}\n`);
      for (const line of await daemon.flush()) io.stdout.write(`${line}\n`);
      return report.outcome?.status === 'paperTest' ? EXIT.ok : EXIT.failure;
    } finally {
      db.close();
    }
  },
};
