/** The version store's failures: an unknown version, nothing to roll back to, a seed that fails its gates. */
import { BrainError } from '../contract/errors.ts';
export type VersionStoreErrorCode = 'unknown_version' | 'no_previous' | 'gates_failed' | 'wrong_kind';

export class VersionStoreError extends BrainError<VersionStoreErrorCode> {
  override readonly name = 'VersionStoreError';
  constructor(code: VersionStoreErrorCode, message: string) {
    super(message, { domain: 'versions', code, retryable: false });
  }
}
