/**
 * A CSV folder read and parsed on a worker thread (csv-worker.ts), for `brain backtest --data`: the
 * ~0.3 s of parsing a 9-pair 5m year then runs beside the static gates' type check on the other core,
 * where on this thread the two took turns. The columns come back as moved buffers (no copy); a
 * refusal comes back as the same MarketDataError the in-thread read throws.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../build/runtime.ts';
import type { LoadedSeries, SeriesRequest } from './dataset.ts';
import { MarketDataError, type MarketDataErrorCode } from './errors.ts';

export interface CsvThreadRequest {
  readonly dir: string;
  readonly req: SeriesRequest;
}

export type CsvThreadReply =
  | { readonly ok: true; readonly series: LoadedSeries[] }
  | { readonly ok: false; readonly error: { readonly code: MarketDataErrorCode | null; readonly message: string } };

/** seriesFromCsvDir (dataset.ts), on a thread of its own that ends once it has answered. */
export function seriesFromCsvDirOffThread(dir: string, req: SeriesRequest): Promise<LoadedSeries[]> {
  const { file, workerData } = workerEntry('csv-worker');
  const worker = new Worker(file, { workerData });
  return new Promise<LoadedSeries[]>((resolve, reject) => {
    const failed = (why: string) => reject(new Error(`reading the candles in ${dir} on a worker thread failed: ${why}`));
    worker.once('message', (reply: CsvThreadReply) => {
      if (reply.ok) resolve(reply.series);
      else if (reply.error.code) reject(new MarketDataError(reply.error.code, reply.error.message));
      else failed(reply.error.message);
    });
    worker.once('error', (err) => failed(err.message));
    // After an answer this settles nothing; before one, the thread died without saying why.
    worker.once('exit', (code) => failed(`the thread exited (code ${code}) before answering`));
    worker.postMessage({ dir, req } satisfies CsvThreadRequest);
  }).finally(() => void worker.terminate());
}
