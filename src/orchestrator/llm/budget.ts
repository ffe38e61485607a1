/**
 * What has been spent on model calls, from token_usage: in the UTC day and in the calendar month of
 * `now` (orchestrator.dailyBudgetUsd / monthlyBudgetUsd). The client checks every call against it, the
 * budget use case reports it.
 */
import { utcDayStart } from '../../clock/time.ts';
import type { OrchestratorRepo } from '../../db/index.ts';

export function monthStartUtc(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function spending(usage: Pick<OrchestratorRepo, 'tokenTotals'>, now: number): { dayUsd: number; monthUsd: number; dayCalls: number } {
  const day = usage.tokenTotals(utcDayStart(now), now + 1);
  return { dayUsd: day.costUsd, monthUsd: usage.tokenTotals(monthStartUtc(now), now + 1).costUsd, dayCalls: day.calls };
}
