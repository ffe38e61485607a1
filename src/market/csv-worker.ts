/**
 * The CSV folder read on a worker thread (dataset.ts seriesFromCsvDirOffThread): one request in, the
 * parsed columns out, their buffers moved to the caller rather than copied. A refusal keeps its code
 * and words (MarketDataError); anything else travels as its message.
 */
import { parentPort } from 'node:worker_threads';
import { seriesFromCsvDir } from './dataset.ts';
import type { CsvThreadReply, CsvThreadRequest } from './dataset-thread.ts';
import { MarketDataError } from './errors.ts';

const port = parentPort;
if (!port) throw new Error('csv-worker.ts runs as a worker thread (dataset.ts seriesFromCsvDirOffThread)');

port.once('message', async ({ dir, req }: CsvThreadRequest) => {
  try {
    const series = await seriesFromCsvDir(dir, req);
    const buffers = series.flatMap((s) => Object.values(s.columns).map((c: Float64Array) => c.buffer as ArrayBuffer));
    port.postMessage({ ok: true, series } satisfies CsvThreadReply, [...new Set(buffers)]);
  } catch (err) {
    const error = err instanceof MarketDataError ? { code: err.code, message: err.message } : { code: null, message: String(err) };
    port.postMessage({ ok: false, error } satisfies CsvThreadReply);
  }
});
