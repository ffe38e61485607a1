/** Whatever a step threw, as the cycle machine's StepFailure: an API outage is retryable inside the night's window, anything else is not. */
import { StepFailure } from '../../../machines/orchestrator-cycle-types.ts';
import { LlmError } from '../llm/errors.ts';

export function asStepFailure(err: unknown, at: number): StepFailure {
  if (err instanceof StepFailure) return err;
  if (err instanceof LlmError) return new StepFailure(`${err.code}: ${err.message}`, err.retryable, err.retryAfterMs, at);
  return new StepFailure(err instanceof Error ? err.message : String(err), false, null, at);
}
