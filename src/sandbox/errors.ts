/**
 * One error class per sandbox failure domain. Expected refusals of untrusted code (gate rejections,
 * invalid decisions) are values with typed reasons, not exceptions; these classes are for the runtime
 * itself failing (child crash, deadline, protocol violation, budget spent).
 */
export type SandboxErrorCode =
  | 'child_exited'
  | 'deadline'
  | 'bad_frame'
  | 'output_too_large'
  | 'guest_error'
  | 'restart_budget_spent'
  | 'not_ready'
  | 'closed';

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class VersionStoreError extends Error {
  override readonly name = 'VersionStoreError';
  constructor(
    readonly code: 'unknown_version' | 'no_previous' | 'gates_failed' | 'wrong_kind',
    message: string,
  ) {
    super(message);
  }
}
