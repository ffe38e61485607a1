/**
 * `brain demo` (`npm run demo`): a newcomer's first command. The daemon trades v001 in paper mode against
 * the loopback simulator replaying data/sample (or `--data DIR`), offline, printing one line per event
 * and a summary.
 */
import { resolve } from 'node:path';
import { formatSummary, runDemo } from '../../daemon/demo.ts';
import { createLogger } from '../../log/index.ts';
import { pairsFlag, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError, type Command } from '../command.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { INSPECT_USAGE, takeInspectFlag } from '../inspect-flag.ts';

export const demo: Command = {
  name: 'demo',
  usage: `usage: brain demo [--data DIR] [--days N] [--pairs A/USD,B/USD] [--with-orchestrator] [--inspect [PORT]] [--verbose]
  --data DIR          replay your own candles: <BASE>-USD_<tf>.csv files, the format brain backtest --data reads
                      (default: the bundled data/sample)
  --days N            replay only the first N days after the 2-day warm-up (default: all, about 19 for data/sample)
  --pairs A/USD,...   trade only these pairs (default: every pair with a file in the folder)
  --with-orchestrator then run a scripted night of the orchestrator against a loopback Messages API (no key, offline)
  --verbose           also print the daemon's info log (JSON lines on stderr)
${INSPECT_USAGE}`,
  async run(args, io) {
    const { port: inspect, rest } = takeInspectFlag(args);
    const { values } = parseCommandArgs(rest, {
      data: { type: 'string' },
      days: { type: 'string' },
      pairs: { type: 'string' },
      verbose: { type: 'boolean' },
      'with-orchestrator': { type: 'boolean' },
    });
    const days = values.days === undefined ? undefined : Number(values.days);
    if (days !== undefined && !(days > 0)) throw new UsageError(`--days needs a number of days > 0, got "${String(values.days)}"`);
    const pairs = values.pairs === undefined ? undefined : pairsFlag(values.pairs);
    const log = createLogger({ level: values.verbose ? 'info' : 'warn', pretty: false, destination: io.stderr, secrets: [] });
    const summary = await runDemo({
      repoRoot: PROJECT_ROOT,
      log,
      print: (line) => io.stdout.write(`${line}\n`),
      withOrchestrator: values['with-orchestrator'] === true,
      inspect,
      ...(days === undefined ? {} : { days }),
      ...(pairs ? { pairs } : {}),
      ...(values.data === undefined ? {} : { dataDir: resolve(io.cwd, values.data) }),
    });
    io.stdout.write(formatSummary(summary));
    return EXIT.ok;
  },
};
