/**
 * `brain data import <csv-dir>`: validates every CSV in the folder, then writes them all in one
 * transaction (a bad row names file and line, and nothing is written). `brain data compact` folds
 * and prunes the candle tiers per data.retention, as the daemon does on its schedule; retention counts
 * back from today, so imported history is what it would delete: it shows what and acts only with --yes.
 * `brain data gaps` only reads (a read-only database will do).
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { candleDbFrom, createCandleStore, type CandleStore } from '../../market/store.ts';
import type { PlannedStep } from '../../market/tiers.ts';
import { retentionFromConfig } from '../../market/types.ts';
import type { Gap } from '../../market/gaps.ts';
import { TimeframeSchema, type Pair } from '../../contract/index.ts';
import type { Config } from '../../config/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { openCommandDatabase } from '../database.ts';

function gapLine(pair: string, timeframe: string, gaps: readonly Gap[]): string {
  if (gaps.length === 0) return `${pair} ${timeframe}: no gaps`;
  const longest = gaps.reduce((a, g) => (g.missing > a.missing ? g : a));
  const missing = gaps.reduce((n, g) => n + g.missing, 0);
  return `${pair} ${timeframe}: ${missing} missing in ${gaps.length} gap(s), longest ${longest.missing} from ${day(longest.from)}`;
}

const day = (ms: number | null) => (ms === null ? '–' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

function planLine(p: PlannedStep): string {
  const what = p.target ? `fold into ${p.target} candles and are deleted` : 'are deleted (past the last tier)';
  return `${p.pair} ${p.source}: ${p.candles} candles ${day(p.from)} → ${day(p.to)} ${what} (older than ${day(p.cutoff)})`;
}

/** Without --yes: what compaction would delete, and nothing changed. With it: done, step by step. */
function compactCommand(store: CandleStore, pairs: readonly Pair[], retention: Config['data']['retention'], yes: boolean, io: CliIo): number {
  const now = Date.now();
  const plan = store.compactionPlan(pairs, now);
  if (plan.length === 0) {
    io.stdout.write('nothing older than the retention windows\n');
    return EXIT.ok;
  }
  if (!yes) {
    const keep = `5m ${retention.candles5mDays} days, 1h ${retention.candles1hDays} days, 1d ${retention.candles1dDays === 'forever' ? 'forever' : `${retention.candles1dDays} days`}`;
    io.stdout.write(`retention counts back from now (${day(now)} UTC) with data.retention ${keep}; compaction would delete:\n`);
    for (const p of plan) io.stdout.write(`  ${planLine(p)}\n`);
    io.stdout.write('nothing was changed: run `brain data compact --yes` to do it (imported history older than the windows is folded or lost)\n');
    return EXIT.ok;
  }
  for (const s of store.compact(pairs, now)) io.stdout.write(`${s.pair} ${s.source} → ${s.target}: ${s.folded} folded, ${s.written} written\n`);
  return EXIT.ok;
}

export const data: Command = {
  name: 'data',
  usage: `usage: brain data import <csv-dir> [config flags]
       brain data compact [--yes] [config flags]
       brain data gaps [--timeframe TF] [config flags]
  import <csv-dir>         read every <BASE>-<QUOTE>_<tf>.csv (header time,open,high,low,close,volume;
                           time in unix seconds) into the candle store
  compact [--yes]          fold 5m → 1h → 1d candles older than data.retention (counted back from today)
                           and prune the rest; without --yes it only lists what it would delete
  gaps                     list missing intervals per pair (Kraken sends no candle when nobody traded,
                           so a gap is either no trades or lost data; the daemon back-fills what Kraken serves)

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const [action, ...rest] = args;
    const dirArg = action === 'import' ? rest.shift() : undefined;
    if (action !== 'import' && action !== 'compact' && action !== 'gaps')
      throw new UsageError(`expected "import <csv-dir>", "compact" or "gaps", got "${action ?? ''}"`);
    if (action === 'import' && (dirArg === undefined || dirArg.startsWith('--')))
      throw new UsageError('import needs the CSV folder, e.g. brain data import data/sample');
    const { values, configArgv } = parseCommandArgs(rest, { timeframe: { type: 'string' }, yes: { type: 'boolean' } });
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const tf = TimeframeSchema.safeParse(values.timeframe ?? config.market.timeframe);
    if (!tf.success) throw new UsageError(`--timeframe must be one of ${TimeframeSchema.options.join(', ')}, got "${values.timeframe}"`);
    const db = openCommandDatabase(config, io, action === 'gaps' ? 'read' : 'write');
    try {
      const store = createCandleStore({ db: candleDbFrom(db), retention: retentionFromConfig(config.data.retention) });
      if (action === 'gaps') {
        for (const pair of config.pairs) {
          const stored = store.columns(pair, tf.data, 0, Number.MAX_SAFE_INTEGER).time.length;
          io.stdout.write(stored === 0 ? `${pair} ${tf.data}: no candles stored\n` : `${gapLine(pair, tf.data, store.gaps(pair, tf.data))}\n`);
        }
        return EXIT.ok;
      }
      if (action === 'compact') return compactCommand(store, config.pairs, config.data.retention, values.yes === true, io);
      const files = await store.importCsvDir(resolve(io.cwd, dirArg!));
      for (const f of files) io.stdout.write(`${f.pair} ${f.timeframe}: ${f.rows} candles ${day(f.from)} → ${day(f.to)}  (${f.file})\n`);
      io.stdout.write(files.length === 0 ? `no .csv files in ${dirArg}\n` : `imported ${files.length} file(s) into ${config.data.dbPath}\n`);
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};
