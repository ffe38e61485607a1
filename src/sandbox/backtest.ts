/**
 * Backtest mode through the sandbox: the dataset is sent once and stays in the child (warm path), each
 * `backtest` call runs the whole loop inside the child, and the host replays the returned intents log
 * through its own engine. The host's replay is the result that counts; a mismatch rejects the candidate.
 */
import { z } from 'zod';
import { INTENT_ACTIONS_BY_CODE, runEngine, type DecideFn, type EngineConfig, type EngineResult, type EngineSummary, type IntentsLog, type MarketData } from '../backtest/engine.ts';
import type { Params } from '../contract/strategy.ts';
import { SandboxError } from './errors.ts';
import type { StrategyHost } from './host/strategy-host.ts';

const num = z.number().finite();
const nullableNum = num.nullable();
const ReplySchema = z.object({
  kind: z.literal('backtest'),
  intents: z.strictObject({
    length: z.number().int().min(0),
    step: z.array(z.number().int().min(0)),
    pairIndex: z.array(z.number().int().min(0)),
    action: z.array(z.number().int().min(1).max(3)),
    sizeFraction: z.array(num.min(0).max(1)),
    stopLoss: z.array(nullableNum),
    takeProfit: z.array(nullableNum),
    outcome: z.array(z.number().int().min(0).max(255)),
  }),
  summary: z.record(z.string(), z.unknown()),
});

export interface ChildBacktest {
  intents: IntentsLog;
  summary: EngineSummary;
}

export async function loadDataset(host: StrategyHost, id: string, data: MarketData): Promise<void> {
  const n = data.time.length;
  const payload = new Float64Array(n * (1 + data.pairs.length * 5));
  payload.set(data.time, 0);
  data.columns.forEach((c, p) => {
    const base = n * (1 + p * 5);
    [c.open, c.high, c.low, c.close, c.volume].forEach((col, k) => payload.set(col, base + k * n));
  });
  await host.call({ kind: 'loadDataset', id, pairs: data.pairs, nSteps: n }, payload, 'backtest');
}

export async function backtestInChild(host: StrategyHost, req: { datasetId: string; params: Params; engineConfig: EngineConfig }): Promise<ChildBacktest> {
  const reply = ReplySchema.safeParse(await host.call({ kind: 'backtest', datasetId: req.datasetId, params: req.params, engineConfig: req.engineConfig }, undefined, 'backtest'));
  if (!reply.success) {
    host.reportInvalidOutput(`backtest reply: ${z.prettifyError(reply.error).slice(0, 300)}`);
    throw new SandboxError('guest_error', `backtest reply is malformed: ${z.prettifyError(reply.error).slice(0, 300)}`, false);
  }
  const i = reply.data.intents;
  const lens = [i.step, i.pairIndex, i.action, i.sizeFraction, i.stopLoss, i.takeProfit, i.outcome].map((a) => a.length);
  if (lens.some((l) => l !== i.length)) throw new SandboxError('guest_error', `intents log columns have lengths ${lens.join(',')}, expected ${i.length}`, false);
  const f = (a: Array<number | null>): Float64Array => Float64Array.from(a, (v) => v ?? NaN);
  const intents: IntentsLog = {
    length: i.length,
    step: Int32Array.from(i.step),
    pairIndex: Int32Array.from(i.pairIndex),
    action: Uint8Array.from(i.action),
    sizeFraction: f(i.sizeFraction),
    stopLoss: f(i.stopLoss),
    takeProfit: f(i.takeProfit),
    outcome: Uint8Array.from(i.outcome),
  };
  return { intents, summary: reply.data.summary as unknown as EngineSummary };
}

/** A DecideFn that answers from a log: hold except where the log has an intent for (step, pair). */
export function replayIntents(log: IntentsLog): DecideFn {
  const byKey = new Map<number, number>();
  for (let r = 0; r < log.length; r++) byKey.set(log.step[r]! * 64 + log.pairIndex[r]!, r);
  return (pairIndex, step) => {
    const r = byKey.get(step * 64 + pairIndex);
    if (r === undefined) return { action: 'hold' };
    const opt = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);
    return { action: INTENT_ACTIONS_BY_CODE[log.action[r]!] ?? 'hold', sizeFraction: log.sizeFraction[r]!, stopLoss: opt(log.stopLoss[r]!), takeProfit: opt(log.takeProfit[r]!) };
  };
}

export type ReplayVerdict = { ok: true; result: EngineResult } | { ok: false; result: EngineResult; mismatch: string };

/** Replays the child's log in the host and compares: trades, fees and final equity must agree exactly. */
export function verifyByReplay(config: EngineConfig, data: MarketData, child: ChildBacktest): ReplayVerdict {
  const result = runEngine(config, data, replayIntents(child.intents));
  const keys: Array<keyof EngineSummary> = ['trades', 'wins', 'fees', 'finalEquity', 'intents', 'rejectedIntents'];
  const diff = keys.filter((k) => result.summary[k] !== child.summary[k]);
  return diff.length === 0 ? { ok: true, result } : { ok: false, result, mismatch: diff.map((k) => `${k}: host ${result.summary[k]} vs child ${child.summary[k]}`).join('; ') };
}
