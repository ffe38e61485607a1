/**
 * The nightly orchestrator's cycles and its stored model answers (migration *_orchestrator_cycles.sql).
 * An answer is written whole, with tokens and cost, before the cycle acts on it, keyed by cycle + step
 * + attempt: a restarted night reads it back instead of paying twice. The night's observation is one
 * row of orchestrator_observations with topic 'night' (unique per cycle).
 */
import type { JsonValue } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, toJsonOrNull } from './rows.ts';

export type CycleTrigger = 'slot' | 'now';
export type CycleMode = 'model' | 'offline';
export type CycleOutcome = 'no_change' | 'submitted' | 'refused' | 'failed' | 'offline';

export interface CycleStart {
  id: string;
  trigger: CycleTrigger;
  mode: CycleMode;
  startedAt: number;
  windowEndsAt: number;
}

export interface CycleRecord extends CycleStart {
  context: JsonValue | null;
  decision: JsonValue | null;
  parentVersionId: string | null;
  candidateSha256: string | null;
  candidateSource: string | null;
  submission: JsonValue | null;
  outcome: CycleOutcome | null;
  reason: string | null;
  endedAt: number | null;
}

export type CyclePatch = Partial<Pick<CycleRecord, 'context' | 'decision' | 'parentVersionId' | 'candidateSha256' | 'candidateSource' | 'submission'>>;

export interface StoredAnswer {
  cycleId: string;
  step: string;
  attempt: number;
  time: number;
  model: string;
  /** The whole response as the API returned it (JSON text). */
  content: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  stopReason: string | null;
  promptSha256: string | null;
}

export interface OrchestratorCyclesRepo {
  /** Records a new night; an existing id is left as it is (a resumed night). */
  start(c: CycleStart): CycleRecord;
  get(id: string): CycleRecord | undefined;
  update(id: string, patch: CyclePatch): void;
  finish(id: string, outcome: CycleOutcome, reason: string | null, endedAt: number): void;
  /** Newest first. */
  recent(limit: number): CycleRecord[];
  answer(cycleId: string, step: string, attempt: number): StoredAnswer | undefined;
  /** Stores an answer; when one is already stored for the key, that one is kept and returned. */
  storeAnswer(a: StoredAnswer): StoredAnswer;
  answers(cycleId: string): StoredAnswer[];
  /** The night's one observation; false when the cycle already has one. */
  recordNight(o: { cycleId: string; time: number; content: string; details: JsonValue | null }): boolean;
}

type CycleRow = {
  id: string;
  trigger: CycleTrigger;
  mode: CycleMode;
  started_at: number;
  window_ends_at: number;
  context: string | null;
  decision: string | null;
  parent_version_id: string | null;
  candidate_sha256: string | null;
  candidate_source: string | null;
  submission: string | null;
  outcome: CycleOutcome | null;
  reason: string | null;
  ended_at: number | null;
};
type AnswerRow = {
  cycle_id: string;
  step: string;
  attempt: number;
  time: number;
  model: string | null;
  content: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  stop_reason: string | null;
  prompt_sha256: string | null;
};

const cycleOf = (r: CycleRow): CycleRecord => ({
  id: r.id,
  trigger: r.trigger,
  mode: r.mode,
  startedAt: r.started_at,
  windowEndsAt: r.window_ends_at,
  context: fromJson<JsonValue>(r.context, `orchestrator_cycles ${r.id}.context`),
  decision: fromJson<JsonValue>(r.decision, `orchestrator_cycles ${r.id}.decision`),
  parentVersionId: r.parent_version_id,
  candidateSha256: r.candidate_sha256,
  candidateSource: r.candidate_source,
  submission: fromJson<JsonValue>(r.submission, `orchestrator_cycles ${r.id}.submission`),
  outcome: r.outcome,
  reason: r.reason,
  endedAt: r.ended_at,
});
const answerOf = (r: AnswerRow): StoredAnswer => ({
  cycleId: r.cycle_id,
  step: r.step,
  attempt: r.attempt,
  time: r.time,
  model: r.model ?? '',
  content: r.content,
  inputTokens: r.input_tokens,
  outputTokens: r.output_tokens,
  cacheReadTokens: r.cache_read_tokens,
  cacheWriteTokens: r.cache_write_tokens,
  costUsd: r.cost_usd,
  stopReason: r.stop_reason,
  promptSha256: r.prompt_sha256,
});

const PATCH_COLUMNS: Record<keyof CyclePatch, string> = {
  context: 'context',
  decision: 'decision',
  parentVersionId: 'parent_version_id',
  candidateSha256: 'candidate_sha256',
  candidateSource: 'candidate_source',
  submission: 'submission',
};
const JSON_FIELDS = new Set<keyof CyclePatch>(['context', 'decision', 'submission']);

export function orchestratorCyclesRepo(db: Db): OrchestratorCyclesRepo {
  const insert = db.prepare('INSERT OR IGNORE INTO orchestrator_cycles (id, trigger, mode, started_at, window_ends_at) VALUES (?, ?, ?, ?, ?)');
  const select = db.prepare('SELECT * FROM orchestrator_cycles WHERE id = ?');
  const finish = db.prepare('UPDATE orchestrator_cycles SET outcome = ?, reason = ?, ended_at = ? WHERE id = ?');
  const recent = db.prepare('SELECT * FROM orchestrator_cycles ORDER BY started_at DESC, id DESC LIMIT ?');
  const answerCols =
    'cycle_id, step, attempt, time, model, content, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, stop_reason, prompt_sha256';
  const selectAnswer = db.prepare(`SELECT ${answerCols} FROM orchestrator_thoughts WHERE cycle_id = ? AND step = ? AND attempt = ?`);
  const insertAnswer = db.prepare(`INSERT OR IGNORE INTO orchestrator_thoughts (${answerCols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const selectAnswers = db.prepare(`SELECT ${answerCols} FROM orchestrator_thoughts WHERE cycle_id = ? ORDER BY time, id`);
  const insertNight = db.prepare("INSERT OR IGNORE INTO orchestrator_observations (cycle_id, time, topic, content, details) VALUES (?, ?, 'night', ?, ?)");
  const get = (id: string) => {
    const r = select.get<CycleRow>([id]);
    return r && cycleOf(r);
  };
  const answer = (cycleId: string, step: string, attempt: number) => {
    const r = selectAnswer.get<AnswerRow>([cycleId, step, attempt]);
    return r && answerOf(r);
  };
  return {
    start(c) {
      insert.run([c.id, c.trigger, c.mode, c.startedAt, c.windowEndsAt]);
      return get(c.id)!;
    },
    get,
    update(id, patch) {
      const keys = (Object.keys(patch) as Array<keyof CyclePatch>).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return;
      const values = keys.map((k) => (JSON_FIELDS.has(k) ? toJsonOrNull(patch[k]) : (patch[k] as string | null)));
      db.prepare(`UPDATE orchestrator_cycles SET ${keys.map((k) => `${PATCH_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`).run([...values, id]);
    },
    finish: (id, outcome, reason, endedAt) => void finish.run([outcome, reason, endedAt, id]),
    recent: (limit) => recent.all<CycleRow>([limit]).map(cycleOf),
    answer,
    storeAnswer(a) {
      insertAnswer.run([
        a.cycleId,
        a.step,
        a.attempt,
        a.time,
        a.model,
        a.content,
        a.inputTokens,
        a.outputTokens,
        a.cacheReadTokens,
        a.cacheWriteTokens,
        a.costUsd,
        a.stopReason,
        a.promptSha256,
      ]);
      return answer(a.cycleId, a.step, a.attempt)!;
    },
    answers: (cycleId) => selectAnswers.all<AnswerRow>([cycleId]).map(answerOf),
    recordNight: (o) => insertNight.run([o.cycleId, o.time, o.content, toJsonOrNull(o.details)]).changes === 1,
  };
}
