/**
 * A simulator fault plan as the command line gives it (`brain sim` and `brain run --sim`, one parser in
 * src/cli/fault-flags.ts): request faults installed once, a system status, and WS drops on a real-time
 * interval. Applying it returns the stop of that interval.
 */
import type { Logger } from 'pino';
import type { SystemStatus } from './faults.ts';
import type { KrakenSim } from './sim.ts';

export interface FaultPlan {
  status?: SystemStatus;
  failHttp: ReadonlyArray<{ status: number; method?: string; times?: number }>;
  failApi: ReadonlyArray<{ error: string; method?: string; times?: number }>;
  loseResponse: ReadonlyArray<{ method?: string; times?: number }>;
  /** Real seconds between drops of every WS connection; 0 = never. */
  dropWsEverySec: number;
}

/** A fault without a count lasts the whole run. */
const WHOLE_RUN = 1_000_000_000;

export function applyFaultPlan(sim: KrakenSim, plan: FaultPlan, log: Logger): () => void {
  const { faults } = sim;
  for (const f of plan.failHttp) faults.failHttp(f.status, { method: f.method, times: f.times ?? WHOLE_RUN, html: true });
  for (const f of plan.failApi) faults.failApi(f.error, { method: f.method, times: f.times ?? WHOLE_RUN });
  for (const f of plan.loseResponse) faults.loseResponse({ method: f.method, times: f.times ?? WHOLE_RUN });
  if (plan.status) faults.setSystemStatus(plan.status);
  if (plan.dropWsEverySec <= 0) return () => undefined;
  const timer = setInterval(() => log.warn({ dropped: faults.dropWs('all') }, 'fault: dropped WS connections'), plan.dropWsEverySec * 1000);
  return () => clearInterval(timer);
}
