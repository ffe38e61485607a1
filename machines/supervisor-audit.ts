/**
 * The supervisor's reading of a self-audit result (src/audit runs it as a chore): a failure is an alert
 * naming the failed checks and a hold of the breaker at reducing until an operator resumes. Pure.
 */
import type { AuditOutcome, ChoreEvent } from './supervisor-types.ts';

export function auditFailed(e: ChoreEvent): boolean {
  return e.type === 'chore.done' && e.audit !== undefined && !e.audit.passed;
}

export function auditAlert(a: AuditOutcome): string {
  return `self-audit #${a.reportId} failed (${a.failed.join(', ')}): breaker held at reducing (entries halved) until an operator resumes; details: brain audit --last`;
}
