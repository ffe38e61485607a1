/** `brain audit`: run the self-audit now (or show the last report) and exit 1 when it fails. */
import { formatAuditReport } from '../../audit/audit.ts';
import { auditFromConfig, lastAuditReport } from '../../audit/from-config.ts';
import { loadConfig, secretValues } from '../../config/index.ts';
import { createLogger } from '../../log/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, type Command } from '../command.ts';
import { dbPathOf } from './backtest.ts';

export const audit: Command = {
  name: 'audit',
  usage: `usage: brain audit [--last] [config flags]
  --last                   print the newest stored report (the daemon's daily one or a previous run) instead of running

Runs the same checks as the daemon's daily audit (config [audit]) and stores the report. Without a running
daemon the booked ledger is skipped (the next boot rebuilds it from the fills); in live mode Kraken is asked
for balances and open orders with the keys from the environment. Exit 1 when a check fails. The daemon's own
audit also holds the breaker at reducing on a failure; this command only reports.

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, { last: { type: 'boolean' } });
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const dbPath = dbPathOf(config, io);
    const report = values.last
      ? lastAuditReport(dbPath)
      : await auditFromConfig({ config, dbPath, log: createLogger({ level: 'warn', pretty: false, destination: io.stderr, secrets: secretValues(config) }) });
    if (!report) {
      io.stdout.write(`no audit report in ${dbPath} yet: run \`brain audit\`\n`);
      return EXIT.ok;
    }
    io.stdout.write(`${formatAuditReport(report)}\n`);
    return report.passed ? EXIT.ok : EXIT.failure;
  },
};
