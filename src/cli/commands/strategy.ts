/**
 * `brain strategy list|show|diff|submit`: the version store from the command line; submit is a person's
 * door into the evolution pipeline (submitCandidate), and a paper test it schedules is announced to a
 * running daemon over its control socket. A fresh database is first seeded with v001 of the active files
 * (src/versions/seed.ts); list, show and diff only read, so on a database they cannot write they open it
 * read-only and seed nothing. Deploy and rollback are `brain promote` / `brain rollback` (one use case).
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { readFile } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import { systemClock } from '../../clock/clock.ts';
import { loadConfig } from '../../config/index.ts';
import { createRepositories } from '../../db/index.ts';
import { openEvaluation, submitDeps, type EvolutionSetupDeps } from '../../evolution/setup.ts';
import { submitCandidate, type SubmissionOutcome } from '../../evolution/submit.ts';
import { csvPathFor } from '../../market/dataset.ts';
import type { VersionRecord } from '../../db/versions.repo.ts';
import type { ModuleKind } from '../../sandbox/gates/index.ts';
import { openVersionStore, seedInitialVersions } from '../../versions/seed.ts';
import { slotOf, type Author, type VersionStore } from '../../versions/store.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { openCommandDatabase } from '../database.ts';
import { daemonAnnouncer } from '../../control/from-cli.ts';
import { PROJECT_ROOT } from '../../paths.ts';

const SUBCOMMANDS = ['list', 'show', 'diff', 'submit'] as const;
type Sub = (typeof SUBCOMMANDS)[number];
const READ_ONLY: readonly Sub[] = ['list', 'show', 'diff'];

const OWN_FLAGS = {
  kind: { type: 'string' },
  author: { type: 'string' },
  model: { type: 'string' },
  'prompt-sha256': { type: 'string' },
  name: { type: 'string' },
  data: { type: 'string' },
  hypothesis: { type: 'string' },
} as const;
type Flags = ReturnType<typeof parseCommandArgs<typeof OWN_FLAGS>>['values'];

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function author(v: VersionRecord): string {
  return v.authorKind === 'human' ? 'human' : `model ${v.authorModel ?? ''}`.trim();
}

function list(store: VersionStore, flags: Flags): string {
  const kind = flags.kind as ModuleKind | undefined;
  const versions = store.repo.list(kind);
  if (versions.length === 0) return 'no versions stored';
  const active = new Set(versions.map((v) => store.repo.active(slotOf(v))?.versionId));
  const rows = versions.map((v) => [active.has(v.id) ? '*' : '', v.label, v.id, slotOf(v), v.status, author(v), iso(v.createdAt), v.parentId ?? '-']);
  return table([['', 'LABEL', 'ID', 'SLOT', 'STATUS', 'AUTHOR', 'CREATED (UTC)', 'PARENT'], ...rows]);
}

function show(v: VersionRecord, store: VersionStore): string {
  const ptr = store.repo.active(slotOf(v));
  const lines = [
    `${v.label}  ${v.id}${ptr?.versionId === v.id ? '  (active)' : ''}`,
    `slot     ${slotOf(v)}`,
    `status   ${v.status}`,
    `author   ${author(v)}${v.promptSha256 ? `  prompt ${v.promptSha256}` : ''}`,
    `created  ${iso(v.createdAt)} UTC`,
    `parent   ${v.parentId ?? '-'}`,
    `source   sha256 ${v.sourceSha256}`,
    `bundle   sha256 ${v.bundleSha256}`,
    `gates    ${JSON.stringify(v.gateResults)}`,
    '',
    v.source,
  ];
  return lines.join('\n');
}

function authorOf(flags: Flags): Author {
  const kind = flags.author ?? 'human';
  if (kind === 'human') return { kind: 'human' };
  if (kind !== 'model') throw new UsageError(`--author must be human or model, got "${kind}"`);
  if (!flags.model || !/^[0-9a-f]{64}$/.test(flags['prompt-sha256'] ?? ''))
    throw new UsageError('--author model needs --model NAME and --prompt-sha256 <64 hex digits>');
  return { kind: 'model', model: flags.model, promptSha256: flags['prompt-sha256']! };
}

/**
 * A person's candidate goes through the same door as the evolver's and the model's (submitCandidate):
 * ledger row, static gates and canary, then for a strategy the screen and the full gates against the
 * active version on the candles of --data or the store, and a paper test when it passes.
 */
async function submit(store: VersionStore, file: string, flags: Flags, io: CliIo, setup: Omit<EvolutionSetupDeps, 'candles'>): Promise<number> {
  const path = resolve(io.cwd, file);
  const kind: ModuleKind =
    (flags.kind as ModuleKind | undefined) ??
    ([PROJECT_ROOT, io.cwd].some((root) => relative(root, path).startsWith('statistics')) ? 'statistics' : 'strategy');
  if (kind !== 'strategy' && kind !== 'statistics') throw new UsageError(`--kind must be strategy or statistics, got "${String(kind)}"`);
  const name = kind === 'strategy' ? 'strategy' : (flags.name ?? basename(path, '.ts'));
  const parent = store.repo.active(slotOf({ kind, name }))?.versionId ?? null;
  const author = authorOf(flags);
  const origin =
    author.kind === 'model'
      ? { kind: 'model' as const, model: author.model, promptHash: author.promptSha256, cycleId: 'cli' }
      : { kind: 'person' as const, who: `cli ${io.env.USER ?? 'operator'}` };
  const dir = flags.data === undefined ? undefined : resolve(io.cwd, flags.data);
  const daemon = daemonAnnouncer({ config: setup.config, cwd: io.cwd, user: userInfo().username });
  const d = {
    ...setup,
    notify: daemon.notify,
    candles: {
      pairs: setup.config.pairs.filter((p) => dir === undefined || existsSync(csvPathFor(dir, p, setup.config.market.timeframe))),
      ...(dir ? { dir } : {}),
    },
  };
  const ev = await openEvaluation(d);
  try {
    const out = await submitCandidate(submitDeps(d, ev), {
      kind,
      name,
      source: await readFile(path, 'utf8'),
      parentVersionId: parent,
      origin,
      hypothesis: flags.hypothesis ?? '',
    });
    const stored = out.status === 'duplicate' ? null : createRepositories(setup.db).ledger.byId(out.ledgerId)?.versionId;
    if (stored) io.stdout.write(`stored ${store.get(stored).label} ${stored} (${slotOf({ kind, name })}, candidate)\n`);
    if (out.status === 'refused' && out.stage === 'static') {
      io.stderr.write(
        `${file} was rejected:\n${out.reason
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n')}\n`,
      );
      return EXIT.failure;
    }
    io.stdout.write(`${outcomeText(out)}\n`);
    for (const line of await daemon.flush()) io.stdout.write(`${line}\n`);
    return out.status === 'refused' ? EXIT.failure : EXIT.ok;
  } finally {
    await ev.close();
  }
}

function outcomeText(o: SubmissionOutcome): string {
  switch (o.status) {
    case 'duplicate':
      return `duplicate of ledger row ${o.earlier.ledgerId}: it stopped at ${o.earlier.stage}${o.earlier.reason ? ` (${o.earlier.reason})` : ''}`;
    case 'refused':
      return `refused at ${o.stage} by ${o.failedGate}: ${o.reason}`;
    case 'paperTest':
      return `passed the gates; paper test ${o.paperTestId} scheduled (brain papertest show ${o.paperTestId})`;
    case 'accepted':
      return `accepted; used from ${new Date(o.effectiveFrom).toISOString()}`;
  }
}

/** `brain strategy deploy|rollback` did the same as `brain promote|rollback` a second way: retired, saying where it went. */
const RETIRED: Partial<Record<string, string>> = {
  deploy: 'brain promote VERSION [--force]',
  rollback: 'brain rollback [SLOT]',
};

async function dispatch(sub: Sub, pos: string[], flags: Flags, store: VersionStore, io: CliIo, setup: Omit<EvolutionSetupDeps, 'candles'>): Promise<number> {
  const need = (n: number, what: string): void => {
    if (pos.length !== n) throw new UsageError(`strategy ${sub} takes ${what}`);
  };
  const out = (text: string): number => (io.stdout.write(`${text}\n`), EXIT.ok);
  switch (sub) {
    case 'list':
      need(0, 'no arguments');
      return out(list(store, flags));
    case 'show':
      need(1, 'one version id or label');
      return out(show(store.get(pos[0]!), store));
    case 'diff':
      need(2, 'two version ids or labels');
      return out(store.diff(pos[0]!, pos[1]!) || '(no differences)');
    case 'submit':
      need(1, 'one file');
      return submit(store, pos[0]!, flags, io, setup);
  }
}

export const strategy: Command = {
  name: 'strategy',
  usage: `usage: brain strategy <subcommand> [arguments] [flags] [config flags]
  list [--kind strategy|statistics]   every stored version; * marks the active one per slot
  show VERSION                        metadata, gate results and source of one version (id or label)
  diff VERSION_A VERSION_B            line diff of two versions' sources
  submit FILE [--kind K] [--name N] [--author human|model --model NAME --prompt-sha256 HEX] [--data DIR] [--hypothesis TEXT]
                                      a candidate through the pipeline (docs/evolution.md): ledger row, gates and
                                      determinism canary, stored; a strategy is then screened and gated against
                                      the active version on the candles of --data DIR (or the store) and paper-
                                      tested if it passes (statistics files: name = file name without .ts)
Arguments come before flags. A fresh database is first seeded with v001 of the active files; list, show
and diff also work on a database this user cannot write (read-only, nothing seeded).

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const sub = args[0] as Sub | undefined;
    const moved = sub === undefined ? undefined : RETIRED[sub];
    if (moved)
      throw new UsageError(
        `brain strategy ${sub} is retired: use \`${moved}\` — the one deploy/rollback use case, which reaches a running daemon over its control socket (a hot swap at the next candle) and the database when it is stopped`,
      );
    if (sub === undefined || !SUBCOMMANDS.includes(sub)) throw new UsageError(`expected one of ${SUBCOMMANDS.join(', ')}, got "${sub ?? ''}"`);
    const split = args.findIndex((a, i) => i > 0 && a.startsWith('-'));
    const pos = args.slice(1, split < 0 ? undefined : split);
    const { values, configArgv } = parseCommandArgs(split < 0 ? [] : args.slice(split), OWN_FLAGS);
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const db = openCommandDatabase(config, io, READ_ONLY.includes(sub) ? 'read' : 'write');
    try {
      const store = openVersionStore({ db, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: io.cwd });
      const seeded = db.readonly ? [] : await seedInitialVersions(store, PROJECT_ROOT);
      if (db.readonly && store.repo.list().length === 0)
        io.stderr.write(`${db.path} is read-only to this user, so v001 was not seeded; the daemon seeds it at its first start\n`);
      for (const v of seeded) io.stderr.write(`seeded ${slotOf(v)} ${v.label} ${v.id} from the active file\n`);
      return await dispatch(sub, pos, values, store, io, { db, config, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: io.cwd });
    } finally {
      db.close();
    }
  },
};
