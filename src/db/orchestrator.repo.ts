/**
 * The orchestrator's records: its step log, its reasoning (thoughts), what it wants to remember across
 * cycles (observations), and every model call's token use and cost (the budget is checked against these).
 */
import type { JsonValue } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, toJsonOrNull } from './rows.ts';

export type OrchestratorLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface OrchestratorLogEntry {
  cycleId: string | null;
  time: number;
  /** Pipeline step, e.g. 'gathering', 'backtesting'. */
  step: string;
  level: OrchestratorLogLevel;
  message: string;
  details: JsonValue | null;
}
export interface OrchestratorThought {
  cycleId: string | null;
  time: number;
  step: string;
  content: string;
}
export interface OrchestratorObservation {
  cycleId: string | null;
  time: number;
  topic: string;
  content: string;
  details: JsonValue | null;
}
export interface TokenUsage {
  time: number;
  cycleId: string | null;
  model: string;
  /** What the call was for, e.g. 'analyze', 'generate', 'review'. */
  purpose: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}
export type WithId<T> = T & { id: number };

export interface TokenTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface OrchestratorRepo {
  log(entry: OrchestratorLogEntry): number;
  logOfCycle(cycleId: string): WithId<OrchestratorLogEntry>[];
  recordThought(thought: OrchestratorThought): number;
  thoughtsOfCycle(cycleId: string): WithId<OrchestratorThought>[];
  recordObservation(observation: OrchestratorObservation): number;
  /** The newest `limit` observations, newest first. */
  recentObservations(limit: number): WithId<OrchestratorObservation>[];
  recordTokenUsage(usage: TokenUsage): number;
  tokenUsageInRange(from: number, to: number): WithId<TokenUsage>[];
  /** Sums over [from, to): what the daily/monthly budget is compared with. */
  tokenTotals(from: number, to: number): TokenTotals;
}

type LogRow = { id: number; cycle_id: string | null; time: number; step: string; level: OrchestratorLogLevel; message: string; details: string | null };
type ThoughtRow = { id: number; cycle_id: string | null; time: number; step: string; content: string };
type ObservationRow = { id: number; cycle_id: string | null; time: number; topic: string; content: string; details: string | null };
type UsageRow = {
  id: number;
  time: number;
  cycle_id: string | null;
  model: string;
  purpose: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
};

const logFromRow = (r: LogRow): WithId<OrchestratorLogEntry> => ({
  id: r.id,
  cycleId: r.cycle_id,
  time: r.time,
  step: r.step,
  level: r.level,
  message: r.message,
  details: fromJson<JsonValue>(r.details, `orchestrator_log row ${r.id}`),
});
const thoughtFromRow = (r: ThoughtRow): WithId<OrchestratorThought> => ({
  id: r.id,
  cycleId: r.cycle_id,
  time: r.time,
  step: r.step,
  content: r.content,
});
const observationFromRow = (r: ObservationRow): WithId<OrchestratorObservation> => ({
  id: r.id,
  cycleId: r.cycle_id,
  time: r.time,
  topic: r.topic,
  content: r.content,
  details: fromJson<JsonValue>(r.details, `orchestrator_observations row ${r.id}`),
});
const usageFromRow = (r: UsageRow): WithId<TokenUsage> => ({
  id: r.id,
  time: r.time,
  cycleId: r.cycle_id,
  model: r.model,
  purpose: r.purpose,
  inputTokens: r.input_tokens,
  outputTokens: r.output_tokens,
  cacheReadTokens: r.cache_read_tokens,
  cacheWriteTokens: r.cache_write_tokens,
  costUsd: r.cost_usd,
});

export function orchestratorRepo(db: Db): OrchestratorRepo {
  const insertLog = db.prepare('INSERT INTO orchestrator_log (cycle_id, time, step, level, message, details) VALUES (?, ?, ?, ?, ?, ?)');
  const selectLog = db.prepare('SELECT * FROM orchestrator_log WHERE cycle_id = ? ORDER BY time, id');
  const insertThought = db.prepare('INSERT INTO orchestrator_thoughts (cycle_id, time, step, content) VALUES (?, ?, ?, ?)');
  const selectThoughts = db.prepare('SELECT * FROM orchestrator_thoughts WHERE cycle_id = ? ORDER BY time, id');
  const insertObservation = db.prepare('INSERT INTO orchestrator_observations (cycle_id, time, topic, content, details) VALUES (?, ?, ?, ?, ?)');
  const selectObservations = db.prepare('SELECT * FROM orchestrator_observations ORDER BY time DESC, id DESC LIMIT ?');
  const insertUsage = db.prepare(
    `INSERT INTO token_usage (time, cycle_id, model, purpose, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectUsage = db.prepare('SELECT * FROM token_usage WHERE time >= ? AND time < ? ORDER BY time, id');
  const selectTotals = db.prepare(
    `SELECT COUNT(*) AS calls, COALESCE(SUM(input_tokens), 0) AS inputTokens,
       COALESCE(SUM(output_tokens), 0) AS outputTokens, COALESCE(SUM(cost_usd), 0) AS costUsd
     FROM token_usage WHERE time >= ? AND time < ?`,
  );

  return {
    log: (e) => insertLog.run([e.cycleId, e.time, e.step, e.level, e.message, toJsonOrNull(e.details)]).lastInsertRowid,
    logOfCycle: (cycleId) => selectLog.all<LogRow>([cycleId]).map(logFromRow),
    recordThought: (t) => insertThought.run([t.cycleId, t.time, t.step, t.content]).lastInsertRowid,
    thoughtsOfCycle: (cycleId) => selectThoughts.all<ThoughtRow>([cycleId]).map(thoughtFromRow),
    recordObservation: (o) => insertObservation.run([o.cycleId, o.time, o.topic, o.content, toJsonOrNull(o.details)]).lastInsertRowid,
    recentObservations: (limit) => selectObservations.all<ObservationRow>([limit]).map(observationFromRow),
    recordTokenUsage: (u) =>
      insertUsage.run([u.time, u.cycleId, u.model, u.purpose, u.inputTokens, u.outputTokens, u.cacheReadTokens, u.cacheWriteTokens, u.costUsd]).lastInsertRowid,
    tokenUsageInRange: (from, to) => selectUsage.all<UsageRow>([from, to]).map(usageFromRow),
    tokenTotals: (from, to) => selectTotals.get<TokenTotals>([from, to]) ?? { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
  };
}
