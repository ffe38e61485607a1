/**
 * `brain demo` (`npm run demo`): a newcomer's first command. The daemon trades v001 in paper mode against
 * the loopback simulator replaying data/sample, offline, printing one line per event and a summary.
 */
import { formatSummary, runDemo } from '../../daemon/demo.ts';
import { createLogger } from '../../log/index.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT, UsageError, type Command } from '../command.ts';
import { PROJECT_ROOT } from '../../paths.ts';


export const demo: Command = {
  name: 'demo',
  summary: 'Run the daemon offline in paper mode on the bundled candles and print what it does',
  usage: `usage: brain demo [--days N] [--with-orchestrator] [--verbose]
  --days N      replay only the first N days after the 2-day warm-up (default: all of data/sample, about 19)
  --with-orchestrator
                then run a scripted night of the orchestrator against a loopback Messages API (no key, offline)
  --verbose     also print the daemon's info log (JSON lines on stderr)`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { days: { type: 'string' }, verbose: { type: 'boolean' }, 'with-orchestrator': { type: 'boolean' } });
    const days = values.days === undefined ? undefined : Number(values.days);
    if (days !== undefined && !(days > 0)) throw new UsageError(`--days needs a number of days > 0, got "${String(values.days)}"`);
    const log = createLogger({ level: values.verbose ? 'info' : 'warn', pretty: false, destination: io.stderr, secrets: [] });
    const summary = await runDemo({ repoRoot: PROJECT_ROOT, log, print: (line) => io.stdout.write(`${line}\n`), ...(days === undefined ? {} : { days }), withOrchestrator: values['with-orchestrator'] === true });
    io.stdout.write(formatSummary(summary));
    return EXIT.ok;
  },
};
