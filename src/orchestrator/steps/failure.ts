/** Whatever a step threw, as the cycle machine's StepFailure: an API outage is retryable inside the night's window, anything else is not. */
import { toErrorInfo } from '../../contract/errors.ts';
import { StepFailure } from '../../../machines/orchestrator-cycle-types.ts';
import { LlmError } from '../llm/errors.ts';

export function asStepFailure(err: unknown, at: number): StepFailure {
  if (err instanceof StepFailure) return err;
  return new StepFailure(toErrorInfo(err), err instanceof LlmError ? err.retryAfterMs : null, at, { cause: err });
}
