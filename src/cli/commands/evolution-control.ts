/**
 * `brain promote`, `brain rollback` and `brain papertest list|show|cancel`: each a thin call of one use
 * case in src/evolution (deploy.ts, paper-tests.ts), the same functions the chat bot calls. From the CLI
 * there is no supervisor in this process: a promote or rollback moves the active pointer and a running
 * daemon's pointer watch hot-swaps to it; a cancel marks the row and the daemon's bridge stops the test.
 */
import { systemClock } from '../../clock/clock.ts';
import { loadConfig, type Config } from '../../config/index.ts';
import { createRepositories, openDatabase, type Db, type PaperTest } from '../../db/index.ts';
import { promote, rollback } from '../../evolution/deploy.ts';
import { cancelPaperTest, listPaperTests, showPaperTest } from '../../evolution/paper-tests.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { openVersionStore, seedInitialVersions } from '../../versions/seed.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { dbPathOf } from './backtest.ts';

async function withDb<T>(args: string[], io: CliIo, flags: Parameters<typeof parseCommandArgs>[1], fn: (db: Db, config: Config, values: Record<string, unknown>, pos: string[]) => Promise<T>): Promise<T> {
  const split = args.findIndex((a) => a.startsWith('-'));
  const pos = args.slice(0, split < 0 ? undefined : split);
  const { values, configArgv } = parseCommandArgs(split < 0 ? [] : args.slice(split), flags);
  const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
  const db = openDatabase({ path: dbPathOf(config, io) });
  try {
    return await fn(db, config, values, pos);
  } finally {
    db.close();
  }
}

async function deployDeps(db: Db, io: CliIo) {
  const store = openVersionStore({ db, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: io.cwd });
  await seedInitialVersions(store, PROJECT_ROOT);
  return { store, ledger: createRepositories(db).ledger, clock: systemClock };
}

const who = (io: CliIo) => `cli ${io.env.USER ?? 'operator'}`;

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Make a stored strategy version (id, label or ledger content hash) the active one',
  usage: `usage: brain promote VERSION|HASH [config flags]
  VERSION|HASH   a strategy version id or label, or a candidate's content hash from brain ledger (≥ 6 hex digits)
A running daemon hot-swaps to it at its next pointer check and candle; positions stay open.

${CONFIG_FLAGS_USAGE}`,
  run: (args, io) =>
    withDb(args, io, {}, async (db, _config, _values, pos) => {
      if (pos.length !== 1) throw new UsageError('promote takes one version id, label or content hash');
      const v = await promote(await deployDeps(db, io), pos[0]!, who(io));
      io.stdout.write(`promoted ${v.label} ${v.id}; a running daemon swaps to it at its next pointer check\n`);
      return EXIT.ok;
    }),
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Revert the strategy to the previous good version',
  usage: `usage: brain rollback [config flags]
The active strategy is marked rolled back and its parent (the previous good version) becomes active.

${CONFIG_FLAGS_USAGE}`,
  run: (args, io) =>
    withDb(args, io, {}, async (db, _config, _values, pos) => {
      if (pos.length !== 0) throw new UsageError('rollback takes no arguments');
      const r = await rollback(await deployDeps(db, io), who(io));
      io.stdout.write(`rolled back from ${r.from} to ${r.to.label} ${r.to.id}\n`);
      return EXIT.ok;
    }),
};

function testLine(t: PaperTest): string {
  const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));
  return `${t.id}  ${t.status.padEnd(10)} ${t.versionId}  vs ${t.baselineVersionId ?? '-'}  started ${iso(t.startedAt)}  ${t.reason ?? ''}`.trimEnd();
}

export const papertestCommand: Command = {
  name: 'papertest',
  summary: 'List, show or cancel paper tests of candidates',
  usage: `usage: brain papertest list [--all] | show ID | cancel ID [config flags]
  list [--all]   the tests not yet finished (all of them with --all)
  show ID        one test: status, window, and the judge's verdict (shadow vs incumbent, drift findings)
  cancel ID      stop a scheduled or running test; nothing is deployed

${CONFIG_FLAGS_USAGE}`,
  run: (args, io) =>
    withDb(args.slice(1), io, { all: { type: 'boolean' } }, async (db, config, values, pos) => {
      const sub = args[0];
      const deps = { paperTests: createRepositories(db).paperTests, clock: systemClock, evolution: config.evolution };
      if (sub === 'list') {
        const tests = listPaperTests(deps, { all: values.all === true });
        io.stdout.write(`${tests.length === 0 ? 'no paper tests' : tests.map(testLine).join('\n')}\n`);
        return EXIT.ok;
      }
      if (pos.length !== 1) throw new UsageError(`papertest ${sub ?? ''} takes one test id; see brain papertest list`);
      if (sub === 'show') {
        const t = showPaperTest(deps, pos[0]!);
        io.stdout.write(`${testLine(t)}\ndeadline ${new Date(t.deadline).toISOString()}\nresult ${JSON.stringify(t.result, null, 2)}\n`);
        return EXIT.ok;
      }
      if (sub === 'cancel') {
        const t = cancelPaperTest(deps, pos[0]!, who(io));
        io.stdout.write(`cancelled ${t.id}\n`);
        return EXIT.ok;
      }
      throw new UsageError(`expected list, show or cancel, got "${sub ?? ''}"`);
    }),
};
