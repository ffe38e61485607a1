/**
 * Notifications by event: each announced event becomes a message to every admin and viewer, at the
 * level its kind has in telegram.notifications (on: with sound, silent: without, off: not sent), queued
 * in the outbox under the event's key so the same event is never queued twice for a chat. The daily
 * report runs on its own cron slot (telegram.dailyReportCron) on the injected clock.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.ts';
import type { Config } from '../../config/index.ts';
import type { Reply } from '../../control/reply.ts';
import { Scheduler } from '../../scheduler/scheduler.ts';
import { slotJob } from '../../scheduler/jobs.ts';
import { renderReply } from '../format/render.ts';
import type { Outbox } from '../outbox.ts';
import type { NightReport } from '../../orchestrator/use-cases.ts';
import { notificationOf, type Notifiable, type NotificationKind } from './messages.ts';

export interface NotifierOptions {
  config: Config;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  /** The daily report's text for the day ending at the slot's time, made when the slot comes. */
  dailyReport: (end: number) => Promise<Reply>;
  /** A finished night's change report (src/orchestrator/use-cases.ts nightReport), read when the supervisor announces the night finished. */
  nightReport?: (cycleId: string) => NightReport | null;
}

export class Notifier {
  private readonly scheduler: Scheduler;

  constructor(private readonly o: NotifierOptions) {
    this.scheduler = new Scheduler({
      clock: o.clock,
      jobs: [slotJob('schedule.dailyReport', o.config.telegram.dailyReportCron)],
      emit: (e) => void this.sendDailyReport(e.due),
      logger: o.log,
    });
  }

  /** The private chats notifications go to: every admin and viewer. */
  recipients(): number[] {
    return [...this.o.config.telegram.admins, ...this.o.config.telegram.viewers];
  }

  /** Queues `reply` for every recipient at `kind`'s level; returns the chats it was queued for. */
  send(kind: NotificationKind, key: string, reply: Reply): number[] {
    const level = this.o.config.telegram.notifications[kind];
    if (level === 'off') return [];
    const parts = renderReply(reply);
    return this.recipients().filter((chat) => this.o.outbox.enqueue(chat, parts, { silent: level === 'silent', dedupKey: key }).length > 0);
  }

  notify(e: Notifiable): void {
    try {
      // The supervisor announces that a night finished; the report is its record and the candidate ledger's.
      if (e.type === 'orchestrator.cycleFinished') {
        const report = this.o.nightReport?.(e.cycleId);
        if (report) this.notify({ type: 'orchestrator.report', report, at: e.at });
        return;
      }
      const n = notificationOf(e);
      if (!n) return;
      this.send(n.kind, n.key, n.reply);
    } catch (err) {
      // A notification that cannot even be queued (database gone) is logged; trading never waits on it.
      this.o.log.error({ err, event: e.type }, 'notification not queued');
    }
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
  }

  private async sendDailyReport(due: number): Promise<void> {
    try {
      this.send('dailyReport', `daily:${due}`, await this.o.dailyReport(due));
    } catch (err) {
      this.o.log.error({ err }, 'daily report not made');
    }
  }
}
