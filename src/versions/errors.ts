/** The version store's failures: an unknown version, nothing to roll back to, a seed that fails its gates. */
export class VersionStoreError extends Error {
  override readonly name = 'VersionStoreError';
  constructor(
    readonly code: 'unknown_version' | 'no_previous' | 'gates_failed' | 'wrong_kind',
    message: string,
  ) {
    super(message);
  }
}
