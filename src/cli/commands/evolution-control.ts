/**
 * `brain promote`, `brain rollback` and `brain papertest list|show|cancel`: the console's operations
 * (src/control/ops/evolution.ts) under their own names, so there is one way to do each: with the daemon
 * running the request goes over its control socket and reaches the supervisor as an event (a deploy hot-
 * swaps at the next candle); with the daemon stopped the same use case runs on the database under the
 * single-instance lock and the next boot starts what it wrote. The command itself is the confirmation.
 */
import { CONFIG_FLAGS_USAGE, UsageError, type CliIo, type Command } from '../command.ts';
import { runOperation, splitWords } from './ctl.ts';

/** Takes the command's own boolean flag out of the rest (the config flags `runOperation` parses). */
function ownFlag(flags: readonly string[], name: string): { on: boolean; rest: string[] } {
  return { on: flags.includes(`--${name}`), rest: flags.filter((f) => f !== `--${name}`) };
}

function run(io: CliIo, name: string, words: string[], flags: readonly string[], retry: string): Promise<number> {
  return runOperation(io, name, words, flags, retry, true);
}

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Deploy a stored strategy version (id, label or ledger content hash): hot swap in a running daemon',
  usage: `usage: brain promote VERSION|HASH [--force] [config flags]
  VERSION|HASH   a strategy version id or label, or a candidate's content hash from brain ledger (≥ 6 hex digits)
  --force        deploy it even if it has not passed the pipeline (no passed paper test, never live)
With the daemon running it swaps at the next candle (positions stay open); with it stopped the pointer
moves in the database and the next start runs the version.

${CONFIG_FLAGS_USAGE}`,
  run(args, io) {
    const { words, flags } = splitWords(args);
    if (words.length !== 1) throw new UsageError('promote takes one version id, label or content hash');
    const force = ownFlag(flags, 'force');
    return run(io, 'promote', [words[0]!, ...(force.on ? ['force'] : [])], force.rest, `brain promote ${words[0]} --force`);
  },
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Revert the strategy (or a statistics module) to its previous good version',
  usage: `usage: brain rollback [SLOT] [config flags]
  SLOT   strategy (default) or statistics:<name>
The active version is marked rolled back and the previous good one becomes active: in a running daemon
by a hot swap at the next candle, otherwise in the database for the next start. A statistics module is
read by the next night.

${CONFIG_FLAGS_USAGE}`,
  run(args, io) {
    const { words, flags } = splitWords(args);
    if (words.length > 1) throw new UsageError('rollback takes at most one slot: strategy or statistics:<name>');
    return run(io, 'rollback', words, flags, 'brain rollback');
  },
};

const PAPERTEST: Record<string, (id: string | undefined) => { name: string; words: string[] }> = {
  list: () => ({ name: 'papertests', words: ['50'] }),
  show: (id) => ({ name: 'papertests', words: [id!] }),
  cancel: (id) => ({ name: 'cancelpapertest', words: [id!] }),
};

export const papertestCommand: Command = {
  name: 'papertest',
  summary: 'List, show or cancel paper tests of candidates',
  usage: `usage: brain papertest list | show ID | cancel ID [config flags]
  list       the newest paper tests, running and finished
  show ID    one test: status, window, and the judge's verdict (shadow vs incumbent, drift findings)
  cancel ID  stop a scheduled or running test; nothing is deployed

${CONFIG_FLAGS_USAGE}`,
  run(args, io) {
    const { words, flags } = splitWords(args);
    const [sub, id, ...extra] = words;
    const op = sub === undefined ? undefined : PAPERTEST[sub];
    if (!op) throw new UsageError(`expected list, show or cancel, got "${sub ?? ''}"`);
    if (sub !== 'list' && (id === undefined || extra.length > 0)) throw new UsageError(`papertest ${sub} takes one test id; see brain papertest list`);
    const { name, words: opWords } = op(id);
    return run(io, name, opWords, flags, `brain papertest ${words.join(' ')}`);
  },
};
