/** What the operations share: the repositories on the console's connection, the live view, "now", fees. */
import type { FeeRates, Pair } from '../../contract/index.ts';
import { createRepositories, type Db, type Repositories } from '../../db/index.ts';
import type { ControlDeps } from '../operation.ts';
import type { SupervisorView } from '../ports.ts';
import { refused, type Reply } from '../reply.ts';

const cache = new WeakMap<Db, Repositories>();

/** The repositories on the console's connection, prepared once per connection. */
export function repos(deps: ControlDeps): Repositories {
  let r = cache.get(deps.db);
  if (!r) cache.set(deps.db, (r = createRepositories(deps.db)));
  return r;
}

export function live(deps: ControlDeps): SupervisorView | null {
  return deps.supervisor?.view() ?? null;
}

const LINE_WORDS = { public: 'market line', private: 'executions line' } as const;

/** The feed as /status and /health say it: whether entries are accepted, then each line that is down with its feed.* code (as /readyz shows it). */
export function feedWords(v: SupervisorView): string {
  const down = (['public', 'private'] as const).flatMap((endpoint) => {
    const line = v.feedLines[endpoint];
    return line && !line.up ? [`${LINE_WORDS[endpoint]} [${line.health.code}] ${line.health.message}`] : [];
  });
  const verdict = v.venueHealthy ? 'healthy' : 'unhealthy: no new entries';
  return down.length === 0 ? verdict : `${verdict} (${down.join('; ')})`;
}

/** The supervisor's market time when it runs, else the wall clock. */
export function nowOf(deps: ControlDeps): number {
  return live(deps)?.now || deps.clock.now();
}

export function notRunning(deps: ControlDeps): Reply {
  return refused('not_running', `The daemon is not running (nothing answers on ${deps.config.control.socketPath}): start it with \`brain run\`.`);
}

/** The control commands need the supervisor running (not booting, not shutting down). */
export function needsSupervisor(deps: ControlDeps): Reply | null {
  const v = live(deps);
  if (!v) return notRunning(deps);
  if (v.state === 'booting') return refused('booting', 'The daemon is still booting (reconciling with the venue); try again in a moment.');
  if (v.state === 'shuttingDown' || v.state === 'stopped' || v.state === 'failed') return refused('stopping', `The daemon is ${v.state}; nothing was sent.`);
  return null;
}

/** The pair's fee rates: the venue's schedule as stored, else the configured fallback. */
export function feesOf(deps: ControlDeps, pair: Pair): FeeRates {
  return repos(deps).fees.get(pair)?.rates ?? deps.config.trading.fallbackFees;
}

/** A pair the config does not trade: the refusal names the traded ones. */
export function untraded(deps: ControlDeps, pair: Pair): Reply | null {
  return deps.config.pairs.includes(pair) ? null : refused('invalid', `${pair} is not traded here; pairs: ${deps.config.pairs.join(', ')}.`);
}

export const ALL_TIME: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
export const DAY_MS = 86_400_000;
