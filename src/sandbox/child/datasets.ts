/**
 * Datasets kept loaded in the child between backtests (the warm path: send 38 MB once, run many
 * candidates/params over it). Layout of the payload: time[nSteps], then per pair open,high,low,close,volume.
 */
import type { CandleColumns } from '../../contract/candle.ts';
import type { Pair } from '../../contract/pairs.ts';
import type { Params, StrategyModule } from '../../contract/strategy.ts';
import { runBacktest, type MarketDataLike } from './backtest-driver.ts';

export class DatasetStore {
  private readonly sets = new Map<string, MarketDataLike>();

  load(id: string, pairs: readonly Pair[], nSteps: number, payload: Float64Array): void {
    if (payload.length !== nSteps * (1 + pairs.length * 5)) {
      throw new Error(`dataset ${id}: payload has ${payload.length} values, expected ${nSteps * (1 + pairs.length * 5)}`);
    }
    // Own copies: the frame buffer is not reused, but slicing keeps each column independently sized.
    const time = payload.slice(0, nSteps);
    const columns: CandleColumns[] = pairs.map((_, p) => {
      const base = nSteps * (1 + p * 5);
      const col = (k: number): Float64Array => payload.slice(base + k * nSteps, base + (k + 1) * nSteps);
      return { time, open: col(0), high: col(1), low: col(2), close: col(3), volume: col(4) };
    });
    this.sets.set(id, { pairs: [...pairs], time, columns });
  }

  drop(id: string): void {
    this.sets.delete(id);
  }

  backtest(mod: StrategyModule, id: string, params: Params, engineConfig: unknown): unknown {
    const data = this.sets.get(id);
    if (!data) throw new Error(`dataset ${id} is not loaded; call loadDataset first`);
    return runBacktest(mod, data, params, engineConfig);
  }
}
