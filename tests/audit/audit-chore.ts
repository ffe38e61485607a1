/** Test helper: runs a daemon's self-audit chore as the scheduler would and resolves with its outcome. */
import type { EventObject } from 'xstate';
import type { ChoreEvent } from '../../machines/supervisor-types.ts';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { auditReportsRepo, type StoredAuditReport } from '../../src/db/audit-reports.repo.ts';

type Done = Extract<ChoreEvent, { type: 'chore.done' }>;

export async function runAuditChore(daemon: Daemon, now: number): Promise<{ event: Done; report: StoredAuditReport }> {
  const { actor } = daemon;
  const done = new Promise<Done>((resolve, reject) => {
    const sub = actor.system.inspect((i) => {
      if (i.type !== '@xstate.event' || i.actorRef !== actor) return;
      const e = i.event as EventObject & Partial<ChoreEvent>;
      if ((e.type !== 'chore.done' && e.type !== 'chore.failed') || e.chore !== 'audit') return;
      sub.unsubscribe();
      if (e.type === 'chore.done') resolve(e as Done);
      else reject(new Error((e as { error: { message: string } }).error.message));
    });
  });
  actor.send({ type: 'schedule.audit', due: now, time: now });
  const event = await done;
  return { event, report: auditReportsRepo(daemon.runtime.db!).latest()! };
}

export const failedChecks = (r: StoredAuditReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.name);
