/**
 * What a `brain` subcommand is, and the I/O it gets. Commands never touch `process` directly: the
 * entry point hands them a CliIo, so tests drive them with captured output and an injected shutdown.
 */
import { BrainError } from '../contract/errors.ts';

export interface OutputStream {
  write(chunk: string): unknown;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdoutIsTTY: boolean;
  /** Resolves with the signal name when the operator asks a long-running command to stop; `stop` ends the wait. */
  waitForShutdown(stop?: AbortSignal): Promise<string>;
}

export interface Command {
  name: string;
  /** Synopsis and flags, shown by `brain help <name>`, `--help` and after a usage error. */
  usage: string;
  /** Returns the process exit code (see EXIT). */
  run(args: string[], io: CliIo): Promise<number>;
}

/**
 * A command as the registry lists it: its name and one line for `brain help`, and how to import the
 * rest. Only the command that runs is imported, so each command loads only what it uses.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/**
 * Exit codes: 78 is sysexits' EX_CONFIG, so a service manager can tell "fix the config" from a crash;
 * 75 is EX_TEMPFAIL, "start me again": a graceful stop after /mode, which systemd and Docker restart.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, restart: 75, config: 78 } as const;

/** A bad command line: main prints the message and the command's usage, and exits with EXIT.usage. */
export class UsageError extends BrainError<'usage'> {
  override readonly name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { domain: 'cli', code: 'usage', retryable: false, cause: options?.cause });
  }
}

/** The config flags every config-reading command accepts, for usage texts. */
export const CONFIG_FLAGS_USAGE = `config flags (override settings.toml, risk_limits.toml and BRAIN_* variables):
  --mode paper|live        trading mode
  --pairs A/USD,B/USD      pairs to trade
  --db PATH                database file (data.dbPath)
  --log-level LEVEL        fatal, error, warn, info, debug, trace, silent
  --set KEY=VALUE          any key, e.g. --set risk.maxOpenPositions=2 (repeatable)
  --config-dir DIR         folder of settings.toml and risk_limits.toml (default ./config)
  --env-file FILE          .env file to read (default ./.env)`;

/** The command list shown by `brain help` and after an unknown command. */
export function overview(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: brain <command> [flags]\n\ncommands:\n${lines.join('\n')}\n\nRun \`brain help <command>\` for a command's flags.\n`;
}
