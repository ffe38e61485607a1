/**
 * What each announced event says to the operator: its notification kind (whose level the config sets),
 * a key that makes it unique (so a re-announced event is queued once), and its text as a Reply. The
 * events are the supervisor's own (trades, breaker, feed, paper tests, deploys and rollbacks, the
 * self-audit) under the names it emits them, and the console's (a night's change report, an evolver run).
 */
import type { SupervisorEmitted } from '../../../machines/supervisor-types.ts';
import type { Config } from '../../config/index.ts';
import type { PaperTestVerdict } from '../../../machines/paper-test.machine.ts';
import { num, pct, signedUsd, usd, utc } from '../../control/format.ts';
import type { RollbackTrigger } from '../../evolution/triggers.ts';
import { nightReportBlocks } from '../../control/ops/orchestrator.ts';
import { reasonText } from '../../control/ops/breaker.ts';
import type { ConsoleNotice } from '../../control/ports.ts';
import { done, fields, text, title, type Reply } from '../../control/reply.ts';

export type NotificationKind = keyof Config['telegram']['notifications'];
export type Notifiable =
  | SupervisorEmitted
  | ConsoleNotice
  | { type: 'console.startup'; mode: string; pairs: readonly string[]; at: number }
  | { type: 'console.shutdown'; by: string; at: number }
  /** Webhook mode: Telegram cannot reach our webhook, or it was replaced (webhook-health.ts), or it is back. */
  | { type: 'telegram.webhook'; code: string; healthy: boolean; message: string; at: number };

export interface Notification {
  kind: NotificationKind;
  key: string;
  reply: Reply;
}

const line = (t: string): Reply => done(text(t));

/** A rollback trigger with its numbers, or why there was none. */
function triggerText(t: RollbackTrigger | null): string {
  return t ? `${t.rung} trigger ${t.trigger}, ${t.value.toPrecision(3)} vs ${t.threshold.toPrecision(3)} (${t.detail})` : 'by hand';
}

function verdictText(v: PaperTestVerdict): string {
  const inc = v.incumbent ? `, incumbent ${pct(v.incumbent.totalReturn)}` : '';
  return `shadow ${v.shadow.trades} trades ${pct(v.shadow.totalReturn)}${inc}, ${v.drift.length} drift finding(s)`;
}

/** The notification an event makes, or null for events the operator is not told about. */
export function notificationOf(e: Notifiable): Notification | null {
  switch (e.type) {
    case 'position.opened':
      return {
        kind: 'entry',
        key: `entry:${e.positionId}`,
        reply: line(`🟢 Bought ${num(e.quantity)} ${e.pair} at ${num(e.entryPrice)} (${usd(e.quantity * e.entryPrice)}) · ${utc(e.at)}`),
      };
    case 'position.closed':
      return {
        kind: 'exit',
        key: `exit:${e.positionId}`,
        reply: line(`${e.pnl >= 0 ? '✅' : '🔻'} Closed ${e.pair}: ${signedUsd(e.pnl)} after ${usd(e.fees)} fees (${e.exitReason}) · ${utc(e.at)}`),
      };
    case 'order.filled':
      return {
        kind: 'fill',
        key: `fill:${e.fill.tradeId}`,
        reply: line(`Fill ${e.fill.side} ${num(e.fill.quantity)} ${e.fill.pair} @ ${num(e.fill.price)}, fee ${usd(e.fill.fee)} · ${utc(e.fill.time)}`),
      };
    case 'intent.rejected':
      return {
        kind: 'rejection',
        key: `reject:${e.intent.pair}:${e.intent.candleTime}`,
        reply: line(`Refused ${e.intent.decision.action} ${e.intent.pair}: ${e.reason} · ${utc(e.at)}`),
      };
    case 'breaker.tripped':
      return {
        kind: 'breaker',
        key: `breaker:tripped:${e.at}`,
        reply: line(
          `⛔ Breaker HALTED: ${reasonText(e.reason)}. No new entries; exits still pass. ${e.resumeAt ? `Resumes at ${utc(e.resumeAt)} if the limits allow.` : 'Lift it with /resetbreaker.'}`,
        ),
      };
    case 'breaker.reduced':
      return {
        kind: 'breaker',
        key: `breaker:reduced:${e.at}`,
        reply: line(
          `⚠️ Breaker reducing: ${reasonText(e.reason)}. Entries at half size${e.reason === 'reducing_drawdown' ? ' until the drawdown recovers' : ''}.`,
        ),
      };
    case 'breaker.resumed':
      return { kind: 'breaker', key: `breaker:resumed:${e.at}`, reply: line(`Breaker active again (was ${e.from}, by ${e.by}).`) };
    case 'breaker.resumeRefused':
      return { kind: 'breaker', key: `breaker:refused:${e.at}:${e.by}`, reply: line(`Breaker resume refused (${e.by}): ${reasonText(e.reason)} still holds.`) };
    case 'strategy.activated':
      return e.kind === 'rollback'
        ? {
            kind: 'rollback',
            key: `rollback:${e.from ?? '?'}:${e.versionId}:${e.at}:${e.by ?? '?'}`,
            reply: line(
              `↩️ Strategy rolled back ${e.from ?? '?'} → ${e.versionId} by ${e.by ?? '?'}: ${triggerText(e.trigger ?? null)}. New entries at reduced size for the cooldown; positions stay open.`,
            ),
          }
        : {
            kind: 'deploy',
            key: `deploy:${e.from ?? '?'}:${e.versionId}:${e.at}:${e.by ?? '?'}`,
            reply: line(`🚀 Strategy ${e.versionId} is live from the next candle (was ${e.from ?? '?'}; by ${e.by ?? '?'}: ${e.reason ?? 'deployed'}).`),
          };
    case 'venue.healthChanged':
      return {
        kind: 'feed',
        key: `feed:${e.healthy}:${e.at}`,
        reply: line(
          e.healthy
            ? `📶 Market feed back ([${e.reason.code}] ${e.reason.message}); entries allowed again.`
            : `📵 Market feed down ([${e.reason.code}] ${e.reason.message}): no new entries until it is back.`,
        ),
      };
    case 'supervisor.alert':
      return { kind: 'alert', key: `alert:${e.at}:${e.message.slice(0, 80)}`, reply: line(`⚠️ ${e.message}`) };
    case 'paperTest.started':
      return {
        kind: 'paperTest',
        key: `paper:started:${e.paperTestId}`,
        reply: line(`🧪 Paper test ${e.paperTestId} of ${e.versionId} started beside the incumbent · ${utc(e.at)}`),
      };
    case 'paperTest.passed':
      return {
        kind: 'paperTest',
        key: `paper:${e.paperTestId}`,
        reply: line(`✅ Paper test ${e.paperTestId} of ${e.versionId} passed: ${e.verdict.reason} (${verdictText(e.verdict)}); it deploys now.`),
      };
    case 'paperTest.failed':
      return {
        kind: 'paperTest',
        key: `paper:${e.paperTestId}`,
        reply: line(
          `❌ Paper test ${e.paperTestId} of ${e.versionId} failed: ${e.reason}${e.verdict ? ` (${verdictText(e.verdict)})` : ''}. Nothing is deployed.`,
        ),
      };
    case 'paperTest.cancelled':
      return {
        kind: 'paperTest',
        key: `paper:${e.paperTestId}`,
        reply: line(`Paper test ${e.paperTestId} of ${e.versionId} cancelled by ${e.by}; nothing is deployed.`),
      };
    case 'orchestrator.report':
      return { kind: 'nightlyReport', key: `night:${e.report.cycleId}`, reply: done(...nightReportBlocks(e.report)) };
    case 'evolver.finished':
      return { kind: 'nightlyReport', key: `evolver:${e.at}`, reply: line(`🧬 Evolver run started by ${e.by} ended: ${e.summary}`) };
    case 'audit.finished':
      return {
        kind: 'selfAudit',
        key: `audit:${e.reportId}`,
        reply: done(title(`Self-audit ${e.passed ? 'clean' : 'found problems'}`), ...(e.failed.length > 0 ? [text(`failed: ${e.failed.join(', ')}`)] : [])),
      };
    case 'console.startup':
      return {
        kind: 'startup',
        key: `startup:${e.at}`,
        reply: done(
          title('Trading Brain started'),
          fields([
            ['mode', e.mode],
            ['pairs', e.pairs.join(', ')],
            ['at', utc(e.at)],
          ]),
        ),
      };
    case 'telegram.webhook':
      return { kind: 'alert', key: `webhook:${e.code}:${e.healthy}:${e.at}`, reply: line(`${e.healthy ? '📡' : '⚠️'} ${e.message}`) };
    case 'console.shutdown':
      return { kind: 'shutdown', key: `shutdown:${e.at}`, reply: line(`Trading Brain is shutting down (${e.by}); positions and the breaker persist.`) };
    default:
      return null;
  }
}
