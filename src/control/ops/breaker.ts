/**
 * The circuit breaker from the console: /breaker (status), /resetbreaker (lift a halt), /halt. With the
 * daemon running, a change is ONE event to the supervisor, which forwards it to the breaker child, and the
 * answer is the breaker's own announcement (resumed, or refused because a hard limit still holds). Without
 * a daemon (the CLI), the persisted breaker is changed through the same machine under the single-instance
 * lock, so the next boot starts from it. Issue 12 point 7: with `resume = "manual"` a halt lasts until this.
 */
import { BREAKER_ACTOR_ID, type BreakerRecord } from '../../../machines/breaker.machine.ts';
import { NO_ARGS } from '../args.ts';
import { duration, utc } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import type { BreakerOutcome, SupervisorPort } from '../ports.ts';
import { done, fields, refused, text, title, type Reply } from '../reply.ts';
import { live, notRunning, repos } from './common.ts';

const REASONS: Record<string, string> = {
  daily_loss: "the day's loss passed risk.dailyLossFraction",
  drawdown: 'the drawdown from peak passed risk.maxDrawdownFraction',
  consecutive_losses: 'the losing streak reached risk.maxConsecutiveLosses',
  reducing_drawdown: 'the drawdown passed risk.reducingDrawdownFraction',
  manual: 'an operator halted it',
  audit_failed: 'a self-audit failed (held until an operator resumes)',
  balance_mismatch: "the venue's balances disagree with the ledger (held until they agree again)",
  rollback: 'a strategy was rolled back automatically (held at reducing for rollback.cooldownHours)',
};

export const reasonText = (reason: string | null | undefined): string => (reason ? (REASONS[reason] ?? reason) : '-');

/** The stored breaker record (machine_snapshots), whatever runs. */
export function storedBreaker(deps: ControlDeps): BreakerRecord | null {
  const row = repos(deps).machineSnapshots.get(BREAKER_ACTOR_ID);
  return row ? (row.snapshot as BreakerRecord) : null;
}

export const breaker = operation({
  name: 'breaker',
  group: 'status',
  role: 'viewer',
  summary: 'Circuit breaker: level, why, since when, how it resumes',
  args: NO_ARGS,
  async run(deps) {
    const v = live(deps);
    const record = storedBreaker(deps);
    const c = record?.context;
    const level = v?.breaker ?? record?.value ?? 'active';
    const limits = deps.config.risk;
    const resume =
      level !== 'halted'
        ? '-'
        : c?.resumeAt
          ? `automatically at ${utc(c.resumeAt)} if no hard limit still holds`
          : 'manual: /resetbreaker (CLI: brain breaker resume)';
    return done(
      title('Circuit breaker'),
      fields([
        ['level', level],
        ['reason', level === 'active' ? '-' : reasonText(c?.reason)],
        ['since', c ? `${utc(c.since)}${v ? ` (${duration(Math.max(0, v.now - c.since))} ago)` : ''}` : 'never tripped'],
        ['holds', c?.holds?.length ? c.holds.map((h) => `${h}${c.holdUntil?.[h] ? ` until ${utc(c.holdUntil[h]!)}` : ''}`).join(', ') : '-'],
        ['losing streak', `${v?.streak ?? c?.consecutiveLosses ?? 0} of ${limits.maxConsecutiveLosses}`],
        ['resume', resume],
      ]),
      ...(v ? [] : [text('The daemon is not running: this is the stored breaker, which the next start resumes from.')]),
    );
  },
});

const pick = (e: { type: string }): BreakerOutcome | undefined => {
  const x = e as { type: string; from?: 'active' | 'reducing' | 'halted'; reason?: string; at?: number };
  if (x.type === 'breaker.resumed') return { kind: 'resumed', from: x.from!, at: x.at! };
  if (x.type === 'breaker.resumeRefused') return { kind: 'refused', reason: x.reason!, at: x.at! };
  if (x.type === 'breaker.tripped') return { kind: 'halted', at: x.at! };
  return undefined;
};

/** One breaker event to the running supervisor, and the breaker's announcement as the outcome. */
export async function applyInDaemon(port: SupervisorPort, action: 'resume' | 'halt', by: string, timeoutMs: number): Promise<BreakerOutcome> {
  const level = port.view().breaker;
  if (action === 'resume' ? level !== 'halted' : level === 'halted') return { kind: 'unchanged', level };
  const outcome = port.awaitEvent(pick, timeoutMs);
  port.send({ type: action === 'resume' ? 'supervisor.breakerResume' : 'supervisor.breakerHalt', by });
  return (await outcome) ?? { kind: 'noAnswer', waitedMs: timeoutMs };
}

export function outcomeReply(o: BreakerOutcome, offline: boolean): Reply {
  const where = offline ? ' (the daemon is not running: the stored breaker was changed; the next start resumes from it)' : '';
  switch (o.kind) {
    case 'resumed':
      return done(text(`Breaker resumed (was ${o.from}): new entries allowed again, the losing streak starts from 0${where}.`));
    case 'halted':
      return done(text(`Breaker halted: no new entries, exits still pass${where}. /resetbreaker (brain breaker resume) lifts it.`));
    case 'refused':
      return refused(
        'refused',
        `Resume refused: ${reasonText(o.reason)}, and that still holds with the streak reset; the halt stays${where}. It lifts once the figure is back within its limit.`,
      );
    case 'unchanged':
      return refused(
        'unchanged',
        o.level === 'reducing'
          ? 'The breaker is reducing (entries at half size) until the drawdown recovers; a resume lifts only a halt.'
          : `The breaker is already ${o.level}; nothing changed.`,
      );
    case 'noAnswer':
      return refused('no_answer', `No answer from the breaker within ${Math.round(o.waitedMs / 1000)} s; /breaker shows where it is.`);
  }
}

async function apply(deps: ControlDeps, action: 'resume' | 'halt', by: string): Promise<Reply> {
  if (deps.supervisor) {
    const state = deps.supervisor.view().state;
    if (state === 'booting' || state === 'shuttingDown')
      return refused('not_ready', `The daemon is ${state === 'booting' ? 'still booting' : 'shutting down'}; try again in a moment.`);
    return outcomeReply(await applyInDaemon(deps.supervisor, action, by, deps.config.control.timeoutSeconds * 1000), false);
  }
  if (deps.offlineBreaker) return outcomeReply(await deps.offlineBreaker.apply(action, by), true);
  return notRunning(deps);
}

export const resetBreaker = operation({
  name: 'resetbreaker',
  group: 'control',
  role: 'admin',
  summary: 'Lift a halted circuit breaker (refused while a hard limit still holds)',
  args: NO_ARGS,
  confirm: () => 'Lift the halted breaker and allow new entries again (the losing streak restarts from 0)?',
  run: (deps, _args, caller) => apply(deps, 'resume', caller.who),
});

export const halt = operation({
  name: 'halt',
  group: 'control',
  role: 'admin',
  summary: 'Halt the circuit breaker: no new entries, exits still pass',
  args: NO_ARGS,
  run: (deps, _args, caller) => apply(deps, 'halt', caller.who),
});
