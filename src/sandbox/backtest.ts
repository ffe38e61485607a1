/**
 * Backtest mode through the sandbox: the dataset is sent once and stays in the child (warm path), each
 * `backtest` call runs the whole loop inside the child and streams its intents log: a CLAIM. The host
 * replays it with src/backtest/replay.ts (replayedRun, the project's one replay) chunk by chunk as it
 * arrives; that result counts and a mismatch rejects the candidate.
 */
import { z } from 'zod';
import { packedMarketData } from '../backtest/data.ts';
import { IntentsLogBuilder } from '../backtest/engine-log.ts';
import type { EngineConfig, EngineSummary, IntentsLog, MarketData } from '../backtest/engine.ts';
import { prefixParent } from '../backtest/prepared-market.ts';
import type { ClaimChunkFn, StrategyRunner } from '../backtest/replay.ts';
import type { Params } from '../contract/strategy.ts';
import { SandboxError } from './errors.ts';
import type { StrategyHost } from './host/strategy-host.ts';
import { INTENT_COLUMNS, type HostRequest } from './protocol.ts';

const ReplySchema = z.object({
  kind: z.literal('backtest'),
  length: z.number().int().min(0),
  summary: z.record(z.string(), z.unknown()),
});
const ProgressSchema = z.strictObject({
  kind: z.literal('progress'),
  throughStep: z.number().int().min(0),
  rows: z.number().int().min(0),
});

export interface ChildBacktest {
  intents: IntentsLog;
  summary: EngineSummary;
}

/** Sends `data` to the child as dataset `id`; with `generation`, only to that child (see StrategyHost.call). */
export async function loadDataset(host: StrategyHost, id: string, data: MarketData, generation?: number): Promise<void> {
  // Aligned data (alignMarketData) is already one packed buffer: sent as it is, not copied.
  const payload = packedMarketData(data);
  await host.call({ kind: 'loadDataset', id, pairs: data.pairs, nSteps: data.time.length }, payload, 'backtest', undefined, generation);
}

type Check = (v: number) => boolean;
const isInt =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && v >= min && v <= max;
const isPriceOrNone: Check = (v) => Number.isNaN(v) || (Number.isFinite(v) && v > 0);
/** What each column of a streamed intents chunk may hold (INTENT_COLUMNS order). */
const COLUMN_CHECKS: Readonly<Record<(typeof INTENT_COLUMNS)[number], readonly [Check, string]>> = {
  step: [isInt(0, 2 ** 31 - 1), 'a step index'],
  pairIndex: [isInt(0, 2 ** 31 - 1), 'a pair index'],
  action: [isInt(1, 3), 'an action code 1..3'],
  sizeFraction: [(v) => Number.isFinite(v) && v >= 0 && v <= 1, 'a fraction in [0, 1]'],
  stopLoss: [isPriceOrNone, 'a positive price or NaN'],
  takeProfit: [isPriceOrNone, 'a positive price or NaN'],
  outcome: [isInt(0, 255), 'an outcome code 0..255'],
};

/** A progress frame's intents, checked value by value (the child is untrusted). */
export function decodeChunk(header: Record<string, unknown>, payload: Float64Array): { throughStep: number; rows: IntentsLog } {
  const h = ProgressSchema.safeParse(header);
  if (!h.success) throw new SandboxError('guest_error', `backtest progress frame is malformed: ${z.prettifyError(h.error).slice(0, 300)}`, false);
  const m = h.data.rows;
  if (payload.length !== m * INTENT_COLUMNS.length) {
    throw new SandboxError(
      'guest_error',
      `backtest progress frame has ${payload.length} values for ${m} intents; expected ${m * INTENT_COLUMNS.length}`,
      false,
    );
  }
  INTENT_COLUMNS.forEach((k, c) => {
    const [ok, what] = COLUMN_CHECKS[k];
    for (let i = c * m; i < (c + 1) * m; i++) {
      if (!ok(payload[i]!)) throw new SandboxError('guest_error', `backtest progress frame: intents.${k}[${i - c * m}] = ${payload[i]} is not ${what}`, false);
    }
  });
  const col = (c: number) => payload.subarray(c * m, (c + 1) * m);
  const rows: IntentsLog = {
    length: m,
    step: Int32Array.from(col(0)),
    pairIndex: Int32Array.from(col(1)),
    action: Uint8Array.from(col(2)),
    sizeFraction: col(3),
    stopLoss: col(4),
    takeProfit: col(5),
    outcome: Uint8Array.from(col(6)),
  };
  return { throughStep: h.data.throughStep, rows };
}

/**
 * One backtest in the child. Its intents arrive in chunks while it runs; `onChunk` gets each one
 * (the host replay runs alongside), and the whole claim is returned at the end. An error thrown by
 * `onChunk` stops the child and is the error this call throws.
 */
export async function backtestInChild(
  host: StrategyHost,
  req: { datasetId: string; params: Params; engineConfig: EngineConfig; generation?: number },
  onChunk?: ClaimChunkFn,
  onStarted?: () => void,
): Promise<ChildBacktest> {
  const claim = new IntentsLogBuilder();
  let refusal: unknown = null;
  const onProgress = (header: Record<string, unknown>, payload: Float64Array): void => {
    try {
      const { throughStep, rows } = decodeChunk(header, payload);
      for (let i = 0; i < rows.length; i++) claim.appendRow(rows, i);
      onChunk?.(throughStep, rows);
    } catch (err) {
      refusal = err;
      throw err;
    }
  };
  let raw: Record<string, unknown>;
  try {
    const reply = host.call(
      { kind: 'backtest', datasetId: req.datasetId, params: req.params, engineConfig: req.engineConfig },
      undefined,
      'backtest',
      onProgress,
      req.generation,
    );
    // The request is written (call sends before its first wait): the child computes from here on.
    onStarted?.();
    raw = await reply;
  } catch (err) {
    throw refusal ?? err;
  }
  const reply = ReplySchema.safeParse(raw);
  if (!reply.success) {
    host.reportInvalidOutput(`backtest reply: ${z.prettifyError(reply.error).slice(0, 300)}`);
    throw new SandboxError('guest_error', `backtest reply is malformed: ${z.prettifyError(reply.error).slice(0, 300)}`, false);
  }
  if (reply.data.length !== claim.length) {
    throw new SandboxError('guest_error', `backtest reply claims ${reply.data.length} intents but its progress frames carried ${claim.length}`, false);
  }
  return { intents: claim.build(), summary: reply.data.summary as unknown as EngineSummary };
}

/** Full datasets a runner keeps in its child, least recently used dropped first (each is ~38 MB a 9-pair year). */
const KEPT_DATASETS = 2;
/** Prefix views a runner keeps (look-ahead cuts: a few per trading window); they cost no candle copy. */
const KEPT_VIEWS = 16;

/**
 * The datasets one runner has put in its host's child. They belong to one child generation: a
 * restarted child holds none, so a new generation starts the lists afresh. A prefix view of a
 * dataset (prefixView: a look-ahead cut) is made in the child from the dataset it holds, so the
 * candles cross once however many cuts run over them.
 */
class ChildDatasets {
  private readonly kept = new Map<MarketData, string>();
  private readonly views = new Map<MarketData, { id: string; of: MarketData }>();
  private generation = -1;
  private next = 0;

  constructor(private readonly host: StrategyHost) {}

  /** The id of `data` in the child of `generation`, sent (or cut from its dataset) first if that child lacks it. */
  async idFor(data: MarketData, generation: number): Promise<string> {
    if (generation !== this.generation) {
      this.kept.clear();
      this.views.clear();
      this.generation = generation;
    }
    const prefix = prefixParent(data);
    return prefix ? this.viewId(data, prefix.data, prefix.to) : this.datasetId(data);
  }

  private async datasetId(data: MarketData): Promise<string> {
    let id = this.kept.get(data);
    if (id !== undefined) {
      touch(this.kept, data, id);
      return id;
    }
    for (const [old, oldId] of this.kept) {
      if (this.kept.size < KEPT_DATASETS) break;
      this.kept.delete(old);
      // The child drops the dataset's views with it.
      for (const [view, v] of this.views) if (v.of === old) this.views.delete(view);
      await this.control({ kind: 'dropDataset', id: oldId });
    }
    id = `ds${this.next++}`;
    await loadDataset(this.host, id, data, this.generation);
    this.kept.set(data, id);
    return id;
  }

  private async viewId(view: MarketData, of: MarketData, nSteps: number): Promise<string> {
    const parentId = await this.datasetId(of);
    const known = this.views.get(view);
    if (known) {
      touch(this.views, view, known);
      return known.id;
    }
    for (const [old, v] of this.views) {
      if (this.views.size < KEPT_VIEWS) break;
      this.views.delete(old);
      await this.control({ kind: 'dropDataset', id: v.id });
    }
    const id = `ds${this.next++}`;
    await this.control({ kind: 'viewDataset', id, of: parentId, nSteps });
    this.views.set(view, { id, of });
    return id;
  }

  private async control(req: HostRequest): Promise<void> {
    await this.host.call(req, undefined, 'control', undefined, this.generation);
  }
}

/** Marks a map entry most recently used (Map keeps insertion order). */
function touch<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
}

/**
 * The production StrategyRunner: the strategy runs in its sandbox child. A dataset is sent once per
 * MarketData object and stays in the child, so repeated runs over the same data (params, windows,
 * cuts, candidates) skip the copy (ChildDatasets). A child that died since
 * (a crash, a deadline) is restarted and sent the data again before the run, transparently.
 */
export function sandboxRunner(host: StrategyHost): StrategyRunner {
  const datasets = new ChildDatasets(host);
  return {
    versionId: host.versionId,
    decide: async (data, config, onChunk, onStarted) => {
      for (let attempt = 1; ; attempt += 1) {
        const generation = await host.live();
        try {
          const datasetId = await datasets.idFor(data, generation);
          return await backtestInChild(host, { datasetId, params: config.params, engineConfig: config, generation }, onChunk, onStarted);
        } catch (err) {
          // Replaced between loading the data and running on it (nothing of the run was sent): once more.
          if (attempt === 1 && err instanceof SandboxError && err.code === 'child_restarted') continue;
          throw err;
        }
      }
    },
  };
}
