/**
 * Datasets kept loaded in the child between backtests (the warm path: send 38 MB once, run many
 * candidates/params over it). Layout of the payload: time[nSteps], then per pair open,high,low,close,volume.
 * A view is the first steps of a loaded dataset (a look-ahead cut), sharing its arrays and preparation.
 */
import type { CandleColumns } from '../../contract/candle.ts';
import type { Pair } from '../../contract/pairs.ts';
import type { Params, StrategyModule } from '../../contract/strategy.ts';
import { packedColumns } from '../../backtest/data.ts';
import { forgetSeries, prefixParent, prefixView } from '../../backtest/prepared-market.ts';
import { runBacktest, type EmitFrame, type MarketDataLike } from './backtest-driver.ts';
import { SandboxError } from '../errors.ts';

/** The host broke the dataset protocol (sizes, order of requests): a bug on our side, never the module's. */
const protocolError = (message: string) => new SandboxError('bad_frame', message, false);

export class DatasetStore {
  private readonly sets = new Map<string, MarketDataLike>();

  load(id: string, pairs: readonly Pair[], nSteps: number, payload: Float64Array): void {
    if (payload.length !== nSteps * (1 + pairs.length * 5)) {
      throw protocolError(
        `dataset ${id}: payload has ${payload.length} values, expected ${nSteps * (1 + pairs.length * 5)} (time + 5 columns × ${pairs.length} pairs × ${nSteps} steps)`,
      );
    }
    // Views, not copies: each frame arrives in a fresh buffer that nothing else holds or reuses, so
    // the dataset can own it (copying it was ~38 MB per 1-year 9-pair load).
    const time = payload.subarray(0, nSteps);
    const columns: CandleColumns[] = pairs.map((_, p) => ({ time, ...packedColumns(payload, nSteps, p) }));
    this.sets.set(id, { pairs: [...pairs], time, columns });
  }

  view(id: string, of: string, nSteps: number): void {
    const data = this.sets.get(of);
    if (!data || prefixParent(data)) throw protocolError(`dataset ${of} is not a loaded dataset; a view is cut from one sent with loadDataset`);
    if (!(Number.isInteger(nSteps) && nSteps >= 0 && nSteps < data.time.length))
      throw protocolError(`a view of ${of} needs 0 <= nSteps < ${data.time.length}, got ${nSteps}`);
    this.sets.set(id, prefixView(data, nSteps));
  }

  drop(id: string): void {
    const data = this.sets.get(id);
    if (!data) return;
    this.sets.delete(id);
    forgetSeries(data);
    for (const [viewId, view] of this.sets) if (prefixParent(view)?.data === data) this.sets.delete(viewId);
  }

  backtest(mod: StrategyModule, id: string, params: Params, engineConfig: unknown, emit: EmitFrame): unknown {
    const data = this.sets.get(id);
    if (!data) throw new SandboxError('not_ready', `dataset ${id} is not loaded in this child; send loadDataset first`, false);
    return runBacktest(mod, data, params, engineConfig, emit);
  }
}
