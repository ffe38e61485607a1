/**
 * Backtest mode through the sandbox: the dataset is sent once and stays in the child (warm path), each
 * `backtest` call runs the whole loop inside the child and returns its intents log: a CLAIM. The host
 * replays it with src/backtest/replay.ts (replayedRun, the project's one replay); that result counts
 * and a mismatch rejects the candidate.
 */
import { z } from 'zod';
import type { EngineConfig, EngineSummary, IntentsLog, MarketData } from '../backtest/engine.ts';
import type { StrategyRunner } from '../backtest/replay.ts';
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

/** Datasets a runner keeps in its child: the backtest's data plus one transient (a look-ahead cut). */
const KEPT_DATASETS = 2;

/**
 * The production StrategyRunner: the strategy runs in its sandbox child. A dataset is sent once per
 * MarketData object and stays in the child, so repeated runs over the same data (params, windows,
 * candidates) skip the copy; the least recently used is dropped beyond KEPT_DATASETS so truncated
 * copies (the look-ahead check) do not pile up in the child's capped heap.
 */
export function sandboxRunner(host: StrategyHost): StrategyRunner {
  const kept = new Map<MarketData, string>();
  let next = 0;
  let generationAt = host.generation;
  const datasetFor = async (data: MarketData): Promise<string> => {
    // A restarted child has lost every dataset; `generation` tells.
    if (host.generation !== generationAt) {
      kept.clear();
      generationAt = host.generation;
    }
    let id = kept.get(data);
    if (id !== undefined) {
      kept.delete(data);
      kept.set(data, id);
      return id;
    }
    for (const [old, oldId] of kept) {
      if (kept.size < KEPT_DATASETS) break;
      kept.delete(old);
      await host.call({ kind: 'dropDataset', id: oldId }, undefined, 'control');
    }
    id = `ds${next++}`;
    await loadDataset(host, id, data);
    kept.set(data, id);
    return id;
  };
  return {
    versionId: host.versionId,
    decide: async (data, config) => backtestInChild(host, { datasetId: await datasetFor(data), params: config.params, engineConfig: config }),
  };
}
