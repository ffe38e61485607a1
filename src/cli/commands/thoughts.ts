/**
 * `brain thoughts [CYCLE]` and `brain observations`: the thought spool and the orchestrator's memory,
 * read through the orchestrator's use cases. Without CYCLE the recent nights are listed; with it,
 * every stored answer of that night, whole (its thinking summary and its answer).
 */
import { loadConfig } from '../../config/index.ts';
import { openDatabase, type Db } from '../../db/index.ts';
import type { StoredAnswer } from '../../db/orchestrator-cycles.repo.ts';
import { observations, readableAnswer, recentNights, thoughtOf, thoughtsOf } from '../../orchestrator/use-cases.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type CliIo, type Command } from '../command.ts';
import { dbPathOf } from './backtest.ts';
import { formatNight } from './orchestrate.ts';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function formatAnswer(a: StoredAnswer, raw: boolean): string {
  const head = `── ${a.step} attempt ${a.attempt} · ${a.model} · ${iso(a.time)} UTC · in ${a.inputTokens} (+${a.cacheReadTokens} cached, +${a.cacheWriteTokens} written) out ${a.outputTokens} · $${a.costUsd.toFixed(4)} · ${a.stopReason ?? ''}`;
  return `${head}\n${raw ? a.content : readableAnswer(a)}`;
}

function withDb<T>(
  args: string[],
  io: CliIo,
  own: Parameters<typeof parseCommandArgs>[1],
  run: (db: Db, values: Record<string, unknown>, pos: string[]) => T,
): T {
  const split = args.findIndex((a) => a.startsWith('-'));
  const pos = split < 0 ? args : args.slice(0, split);
  const { values, configArgv } = parseCommandArgs(split < 0 ? [] : args.slice(split), own);
  const config = loadConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
  const db = openDatabase({ path: dbPathOf(config, io) });
  try {
    return run(db, values as Record<string, unknown>, pos);
  } finally {
    db.close();
  }
}

export const thoughts: Command = {
  name: 'thoughts',
  usage: `usage: brain thoughts [CYCLE] [--step STEP [--attempt N]] [--raw] [config flags]
  (no CYCLE)       the recent nights: outcome, reason, calls and cost
  CYCLE            every stored answer of that night: tokens, cost, thinking summary, answer
  --step STEP      only the answer of analysis, generation or review (attempt 1 unless --attempt)
  --raw            the responses exactly as the API returned them (JSON)

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    return withDb(args, io, { step: { type: 'string' }, attempt: { type: 'string' }, raw: { type: 'boolean' } }, (db, v, pos) => {
      if (pos.length > 1) throw new UsageError(`thoughts takes at most one night id, got ${pos.length}`);
      const raw = v['raw'] === true;
      if (pos.length === 0) {
        const nights = recentNights(db);
        io.stdout.write(
          nights.length === 0
            ? 'no nights yet: the orchestrator runs at its slot, or now with `brain orchestrate --now`\n'
            : `${nights.map(formatNight).join('\n\n')}\n`,
        );
        return EXIT.ok;
      }
      const cycleId = pos[0]!;
      if (typeof v['step'] === 'string') {
        const attempt = v['attempt'] === undefined ? 1 : Number(v['attempt']);
        if (!Number.isInteger(attempt) || attempt < 1) throw new UsageError(`--attempt needs a whole number ≥ 1, got "${String(v['attempt'])}"`);
        io.stdout.write(`${formatAnswer(thoughtOf(db, cycleId, v['step'], attempt), raw)}\n`);
        return EXIT.ok;
      }
      const t = thoughtsOf(db, cycleId);
      io.stdout.write(`${formatNight(t.night)}\n\n${t.answers.map((a) => formatAnswer(a, raw)).join('\n\n')}\n`);
      return EXIT.ok;
    });
  },
};

export const observationsCommand: Command = {
  name: 'observations',
  usage: `usage: brain observations [--limit N] [config flags]
  --limit N    how many (default 20)

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    return withDb(args, io, { limit: { type: 'string' } }, (db, v) => {
      const limit = v['limit'] === undefined ? 20 : Number(v['limit']);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit needs a whole number ≥ 1, got "${String(v['limit'])}"`);
      const list = observations(db, limit);
      io.stdout.write(
        list.length === 0
          ? 'no observations yet\n'
          : `${list.map((o) => `${iso(o.time)} UTC  ${o.cycleId ?? '-'}  [${o.topic}]\n  ${o.content}`).join('\n\n')}\n`,
      );
      return EXIT.ok;
    });
  },
};
