/**
 * `brain data import <csv-dir>`: validates every CSV in the folder, then writes them all in one
 * transaction (a bad row names file and line, and nothing is written). `brain data compact` folds
 * and prunes the candle tiers per data.retention, as the daemon does on its schedule.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { openDatabase } from '../../db/index.ts';
import { candleDbFrom, createCandleStore } from '../../market/store.ts';
import { retentionFromConfig } from '../../market/types.ts';
import type { Gap } from '../../market/gaps.ts';
import { TimeframeSchema } from '../../contract/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type Command } from '../command.ts';
import { dbPathOf } from './backtest.ts';

function gapLine(pair: string, timeframe: string, gaps: readonly Gap[]): string {
  if (gaps.length === 0) return `${pair} ${timeframe}: no gaps`;
  const longest = gaps.reduce((a, g) => (g.missing > a.missing ? g : a));
  const missing = gaps.reduce((n, g) => n + g.missing, 0);
  return `${pair} ${timeframe}: ${missing} missing in ${gaps.length} gap(s), longest ${longest.missing} from ${day(longest.from)}`;
}

const day = (ms: number | null) => (ms === null ? '–' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

export const data: Command = {
  name: 'data',
  summary: 'Candle store: import a folder of CSV candles, or fold and prune the tiers',
  usage: `usage: brain data import <csv-dir> [config flags]
       brain data compact [config flags]
       brain data gaps [--timeframe TF] [config flags]
  import <csv-dir>         read every <BASE>-<QUOTE>_<tf>.csv (header time,open,high,low,close,volume;
                           time in unix seconds) into the candle store
  compact                  fold 5m → 1h → 1d candles older than data.retention and prune the rest
  gaps                     list missing intervals per pair (Kraken sends no candle when nobody traded,
                           so a gap is either no trades or lost data; the daemon back-fills what Kraken serves)

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const [action, ...rest] = args;
    const dirArg = action === 'import' ? rest.shift() : undefined;
    if (action !== 'import' && action !== 'compact' && action !== 'gaps') throw new UsageError(`expected "import <csv-dir>", "compact" or "gaps", got "${action ?? ''}"`);
    if (action === 'import' && (dirArg === undefined || dirArg.startsWith('--'))) throw new UsageError('import needs the CSV folder, e.g. brain data import data/sample');
    const { values, configArgv } = parseCommandArgs(rest, { timeframe: { type: 'string' } });
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const tf = TimeframeSchema.safeParse(values.timeframe ?? config.market.timeframe);
    if (!tf.success) throw new UsageError(`--timeframe must be one of ${TimeframeSchema.options.join(', ')}, got "${values.timeframe}"`);
    const db = openDatabase({ path: dbPathOf(config, io) });
    try {
      const store = createCandleStore({ db: candleDbFrom(db), retention: retentionFromConfig(config.data.retention) });
      if (action === 'gaps') {
        for (const pair of config.pairs) {
          const stored = store.columns(pair, tf.data, 0, Number.MAX_SAFE_INTEGER).time.length;
          io.stdout.write(stored === 0 ? `${pair} ${tf.data}: no candles stored\n` : `${gapLine(pair, tf.data, store.gaps(pair, tf.data))}\n`);
        }
        return EXIT.ok;
      }
      if (action === 'compact') {
        const steps = store.compact(config.pairs, Date.now());
        for (const s of steps) io.stdout.write(`${s.pair} ${s.source} → ${s.target}: ${s.folded} folded, ${s.written} written\n`);
        io.stdout.write(steps.length === 0 ? 'nothing older than the retention windows\n' : '');
        return EXIT.ok;
      }
      const files = await store.importCsvDir(resolve(io.cwd, dirArg!));
      for (const f of files) io.stdout.write(`${f.pair} ${f.timeframe}: ${f.rows} candles ${day(f.from)} → ${day(f.to)}  (${f.file})\n`);
      io.stdout.write(files.length === 0 ? `no .csv files in ${dirArg}\n` : `imported ${files.length} file(s) into ${config.data.dbPath}\n`);
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};
