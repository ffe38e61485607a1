/** One error class for the candle store's failure domain (bad input files, bad series, fetch failures). */
export type MarketDataErrorCode = 'csv_invalid' | 'csv_name' | 'retention_invalid' | 'fetch_failed';

export class MarketDataError extends Error {
  override readonly name = 'MarketDataError';
  readonly code: MarketDataErrorCode;
  readonly retryable: boolean;

  constructor(code: MarketDataErrorCode, message: string, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}
