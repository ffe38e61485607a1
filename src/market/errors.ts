/** One error class for the candle store's failure domain (bad input files, bad series, fetch failures). */
import { BrainError } from '../contract/errors.ts';
export type MarketDataErrorCode = 'csv_invalid' | 'csv_name' | 'retention_invalid' | 'fetch_failed' | 'out_of_order';

export class MarketDataError extends BrainError<MarketDataErrorCode> {
  override readonly name = 'MarketDataError';
  constructor(code: MarketDataErrorCode, message: string, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { domain: 'market', code, retryable: opts.retryable ?? false, cause: opts.cause });
  }
}
