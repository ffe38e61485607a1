/**
 * `brain <command> [args]`: looks the command up in the registry, imports and runs it, and turns failures
 * into exit codes: a usage error prints one line plus the usage (2), a config error its code and one line
 * per bad key (78), anything else one line led by its code, `[kraken.transient, retryable] …` (1). Only the light config files are imported here: `brain help` must not
 * pay for the schema or any command's dependencies.
 */
import { ConfigError } from '../config/errors.ts';
import { describeError, toErrorInfo } from '../contract/errors.ts';
import { closest } from '../config/keys.ts';
import { EXIT, UsageError, overview, type CliIo, type Command, type CommandEntry } from './command.ts';
import { commands as registry } from './commands/index.ts';

function failure(err: unknown, command: Command, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr.write(`brain ${command.name}: ${err.message}\n\n${command.usage}\n`);
    return EXIT.usage;
  }
  if (err instanceof ConfigError) {
    io.stderr.write(`brain ${command.name}: [${err.qualifiedCode}] invalid configuration (run \`brain config --keys\` for every key):\n`);
    for (const line of err.problems) io.stderr.write(`  ${line}\n`);
    return EXIT.config;
  }
  // The code leads, as in the logs and the alerts: a script or an operator greps for it.
  io.stderr.write(`brain ${command.name}: ${describeError(toErrorInfo(err))}\n`);
  return EXIT.failure;
}

export async function main(argv: readonly string[], io: CliIo, commands: readonly CommandEntry[] = registry): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h') {
    io.stdout.write(overview(commands));
    return EXIT.ok;
  }
  if (name === undefined) {
    io.stderr.write(`brain: missing command\n\n${overview(commands)}`);
    return EXIT.usage;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    const guess = closest(
      name,
      commands.map((c) => c.name),
    );
    io.stderr.write(`brain: unknown command "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}\n\n${overview(commands)}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    return failure(err, command, io);
  }
}
