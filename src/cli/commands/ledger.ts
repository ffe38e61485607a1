/**
 * `brain ledger [--top N] [--show HASH]`: the candidate ledger (src/evolution/ledger.ts ledgerTop /
 * ledgerShow): every candidate from any source, the stage it reached and the gate that stopped it.
 */
import { systemClock } from '../../clock/clock.ts';
import { loadConfig } from '../../config/index.ts';
import { createRepositories, openDatabase, type LedgerRow } from '../../db/index.ts';
import { shortHash } from '../../evolution/content.ts';
import { gatesOf, ledgerShow, ledgerTop, type LedgerEntryView } from '../../evolution/ledger.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type Command } from '../command.ts';
import { dbPathOf } from './backtest.ts';

const OWN_FLAGS = { top: { type: 'string' }, show: { type: 'string' } } as const;

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const num = (x: number | null) => (x === null ? '-' : x.toPrecision(3));

function origin(r: LedgerRow): string {
  const o = r.origin as Record<string, unknown>;
  if (r.originKind === 'offline') return `offline seed ${String(o.seed)}`;
  if (r.originKind === 'model') return `model ${String(o.model)}`;
  return `person ${String(o.who)}`;
}

export function topTable(rows: readonly LedgerRow[]): string {
  if (rows.length === 0) return 'the ledger is empty: no candidate was submitted yet (brain evolve, brain strategy submit)';
  const head = ['HASH', 'STAGE', 'VERDICT', 'GATE', 'SCORE', 'ORIGIN', 'CHANGE', 'CREATED (UTC)'];
  const body = rows.map((r) => [
    shortHash(r.contentHash),
    r.stage,
    r.verdict,
    r.failedGate ?? '',
    num(r.score),
    origin(r),
    r.diffSummary.slice(0, 48),
    iso(r.createdAt),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  return all
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function entryText(views: readonly LedgerEntryView[]): string {
  const first = views[0]!.row;
  const lines = [
    `candidate ${first.contentHash}`,
    `kind      ${first.kind} ${first.name}   parent ${first.parentVersionId ?? '-'}   version ${first.versionId ?? '(not stored)'}`,
    `change    ${first.diffSummary}`,
    `params    ${JSON.stringify(first.params)}`,
    `hypothesis ${first.hypothesis || '-'}`,
    `outcome   ${first.stage} / ${first.verdict}${first.failedGate ? ` — stopped by ${first.failedGate}: ${first.reason}` : ''}`,
    `cost      ${first.cpuSeconds.toFixed(1)} s of evaluation, $${first.usd.toFixed(2)}`,
    'gates:',
    ...gatesOf(first).map((g) => `  ${g.passed ? 'pass' : 'FAIL'}  ${g.gate.padEnd(12)} ${num(g.value)} vs ${num(g.threshold)}  ${g.detail}`),
  ];
  if (first.holdout) lines.push(`holdout (scored once, not a gate): ${JSON.stringify(first.holdout)}`);
  for (const v of views) {
    lines.push(
      `submission #${v.row.id} ${iso(v.row.createdAt)} ${origin(v.row)}${v.row.verdict === 'duplicate' ? ` — duplicate of #${v.row.duplicateOf}, verdict reused` : ''}`,
    );
    for (const e of v.events) lines.push(`  ${iso(e.time)}  ${e.kind}  ${JSON.stringify(e.details)}`);
  }
  return lines.join('\n');
}

export const ledgerCommand: Command = {
  name: 'ledger',
  usage: `usage: brain ledger [--top N] [--show HASH] [config flags]
  --top N       the N best candidates by their OOS edge (default 20); duplicates left out
  --show HASH   one candidate by content hash (at least 6 hex digits): every gate, the holdout, each step

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, OWN_FLAGS);
    const top = values.top === undefined ? 20 : Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 10_000) throw new UsageError(`--top must be an integer in 1..10000, got "${values.top}"`);
    const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const db = openDatabase({ path: dbPathOf(config, io) });
    try {
      const deps = { ledger: createRepositories(db).ledger, clock: systemClock };
      io.stdout.write(`${values.show === undefined ? topTable(ledgerTop(deps, top)) : entryText(ledgerShow(deps, values.show.toLowerCase()))}\n`);
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};
