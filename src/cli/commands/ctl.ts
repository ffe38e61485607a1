/**
 * `brain ctl COMMAND [ARGS…]`: any of the console's operations — the same list the Telegram bot has —
 * run by the daemon over its control socket, or on the database when no daemon runs. Dangerous ones
 * need --yes. The command list in the usage is generated from the operation definitions.
 */
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../config/index.ts';
import { runFromCli, type FromCliResult } from '../../control/from-cli.ts';
import { helpLines, operations } from '../../control/registry.ts';
import { replyText } from '../../control/reply.ts';
import { createLogger } from '../../log/index.ts';
import { chartRenderer } from '../../telegram/charts/render.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';

/** Refusals an operator caused by what they typed: exit 2, like any usage error. */
const USAGE_OUTCOMES = new Set(['invalid', 'unknown', 'forbidden']);

/** Prints an operation's answer (charts written as PNG files) and returns the exit code. */
export function printResult(io: CliIo, result: FromCliResult, retry: string): number {
  const e = result.execution;
  if (e.kind === 'confirm') {
    io.stderr.write(`${e.question}\nNothing was done: run it again with --yes to confirm (${retry} --yes).\n`);
    return EXIT.usage;
  }
  for (const b of e.reply.blocks) {
    if (b.kind !== 'image') continue;
    const file = resolve(io.cwd, b.name);
    writeFileSync(file, b.png);
    io.stdout.write(`wrote ${b.caption} to ${file}\n`);
  }
  const text = replyText({ ...e.reply, blocks: e.reply.blocks.filter((b) => b.kind !== 'image') });
  (e.reply.ok ? io.stdout : io.stderr).write(text ? `${text}\n` : '');
  if (e.reply.ok || e.reply.outcome === 'unchanged') return EXIT.ok;
  return USAGE_OUTCOMES.has(e.reply.outcome) ? EXIT.usage : EXIT.failure;
}

/** Splits `NAME words… --flags` at the first flag. */
export function splitWords(args: readonly string[]): { words: string[]; flags: string[] } {
  const at = args.findIndex((a) => a.startsWith('--'));
  return at < 0 ? { words: [...args], flags: [] } : { words: args.slice(0, at), flags: args.slice(at) };
}

/** Runs operation `name` for the CLI user and prints its answer (`brain ctl`, and the commands that are its spellings). */
export async function runOperation(
  io: CliIo,
  name: string,
  words: readonly string[],
  flags: readonly string[],
  retry: string,
  confirmed = false,
): Promise<number> {
  const { values, configArgv } = parseCommandArgs(flags, { yes: { type: 'boolean' } });
  const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
  const log = createLogger({ level: 'warn', pretty: false, destination: io.stderr, secrets: [] });
  const result = await runFromCli({
    config,
    cwd: io.cwd,
    user: userInfo().username,
    name,
    words,
    confirmed: confirmed || values.yes === true,
    log,
    charts: chartRenderer(),
  });
  return printResult(io, result, retry);
}

export const ctl: Command = {
  name: 'ctl',
  usage: `usage: brain ctl COMMAND [ARGUMENTS…] [--yes] [config flags]
  --yes                    confirm a dangerous command (kill, stop, forceexit, resetbreaker, promote, rollback, mode paper|live)

With the daemon running the command goes to it over control.socketPath (a Unix socket, mode 0600) and
runs exactly as from Telegram; otherwise read-only commands run on the database and the breaker is
changed in the database under the single-instance lock. Commands that need the daemon say so.

${helpLines(operations, 'admin', 'brain ctl ').join('\n').trimEnd()}

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { words, flags } = splitWords(args);
    const [name, ...rest] = words;
    if (!name) throw new UsageError('missing the command to run, e.g. brain ctl status');
    return runOperation(io, name, rest, flags, `brain ctl ${words.join(' ')}`);
  },
};
