/** The simulator's fault flags, parsed once for `brain sim` and `brain run --sim` (src/sim/fault-plan.ts applies them). */
import type { FaultPlan } from '../sim/fault-plan.ts';
import type { SystemStatus } from '../sim/index.ts';
import { UsageError } from './command.ts';

const STATUSES: SystemStatus[] = ['online', 'maintenance', 'cancel_only', 'post_only'];

export const FAULT_OPTIONS = {
  status: { type: 'string' },
  'fail-http': { type: 'string', multiple: true },
  'fail-api': { type: 'string', multiple: true },
  'lose-response': { type: 'string', multiple: true },
  'drop-ws-every': { type: 'string' },
} as const;

export const FAULT_USAGE = `  --status S               system status: online, maintenance, cancel_only, post_only
  --fail-http S[:M[:N]]    answer HTTP status S (HTML page) to method M (any), N times (always)
  --fail-api E[:M[:N]]     answer Kraken error E (e.g. EService:Busy) to method M, N times
  --lose-response M[:N]    run method M (e.g. AddOrder) but never answer, N times
  --drop-ws-every SEC      drop every WS connection each SEC real seconds`;

export interface FaultValues {
  status?: string | undefined;
  'fail-http'?: string[] | string | undefined;
  'fail-api'?: string[] | string | undefined;
  'lose-response'?: string[] | string | undefined;
  'drop-ws-every'?: string | undefined;
}

export function nonNegative(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got "${text}"`);
  return n;
}

const list = (v: string[] | string | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `<what>[:<method>[:<times>]]`, e.g. `502:AddOrder:3` or `EService:Busy` (an error keeps its own colon). */
function spec(flag: string, text: string, errorHasColon: boolean): { what: string; method?: string; times?: number } {
  const parts = text.split(':');
  const what = errorHasColon ? parts.splice(0, 2).join(':') : parts.shift()!;
  const [method, times] = parts;
  return { what, ...(method ? { method } : {}), ...(times ? { times: nonNegative(flag, times, 1) } : {}) };
}

export function faultPlanOf(v: FaultValues): FaultPlan {
  if (v.status !== undefined && !STATUSES.includes(v.status as SystemStatus))
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${v.status}"`);
  return {
    ...(v.status === undefined ? {} : { status: v.status as SystemStatus }),
    failHttp: list(v['fail-http']).map((t) => {
      const { what, ...rest } = spec('fail-http', t, false);
      return { status: nonNegative('fail-http', what, 502), ...rest };
    }),
    failApi: list(v['fail-api']).map((t) => {
      const { what, ...rest } = spec('fail-api', t, true);
      return { error: what, ...rest };
    }),
    loseResponse: list(v['lose-response']).map((t) => {
      const [method, times] = t.split(':');
      return { ...(method ? { method } : {}), ...(times ? { times: nonNegative('lose-response', times, 1) } : {}) };
    }),
    dropWsEverySec: nonNegative('drop-ws-every', v['drop-ws-every'], 0),
  };
}

/** Whether any fault flag was given (they need a simulator). */
export function anyFault(v: FaultValues): boolean {
  return Object.keys(FAULT_OPTIONS).some((k) => v[k as keyof FaultValues] !== undefined);
}
