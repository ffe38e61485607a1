/**
 * Notifications by event at the level the config gives each kind: on (with sound), silent (without),
 * off (never sent); the events come from a running supervisor as it announces them; the daily report
 * comes at its cron slot on the clock.
 */
import { describe, expect, it } from 'vitest';
import type { PipelineNotice } from '../../src/control/ports.ts';
import { notificationOf } from '../../src/telegram/notify/messages.ts';
import { startSupervisor } from '../machines/supervisor.fixtures.ts';
import { ADMIN_ID, startHarness, VIEWER_ID } from './harness.ts';

describe('notifications', () => {
  it('a trade, the feed and the breaker reach every user at their levels; off is never sent', async () => {
    const s = startSupervisor({ limits: { maxConsecutiveLosses: 1 } });
    await s.running();
    const h = await startHarness({ actor: s.actor, telegram: { notifications: { entry: 'silent', exit: 'on', fill: 'off', rejection: 'off', feed: 'on', breaker: 'on' } } });
    s.actor.on('*', (e) => h.tg.notifier.notify(e));
    await s.openPosition('BTC/USD', 100);
    await s.closePosition('BTC/USD', 90);
    s.port.feed!({ type: 'venue.health', healthy: false, reason: 'public feed down' });
    s.port.feed!({ type: 'venue.health', healthy: false, reason: 'still down' });
    s.port.feed!({ type: 'venue.health', healthy: true, reason: 'resubscribed' });
    await h.tg.settled();
    const toAdmin = h.api.sent.filter((m) => m.chatId === ADMIN_ID);
    expect(toAdmin.map((m) => [m.text.split(' · ')[0], m.silent])).toEqual([
      ['🟢 Bought 10 BTC/USD at 100 ($1,000.00)', true],
      ['🔻 Closed BTC/USD: -$107.60 after $7.60 fees (signal)', false],
      ['⛔ Breaker HALTED: the losing streak reached risk.maxConsecutiveLosses. No new entries; exits still pass. Lift it with /resetbreaker.', false],
      ['📵 Market feed down (public feed down): no new entries until it is back.', false],
      ['📶 Market feed back (resubscribed); entries allowed again.', false],
    ]);
    expect(h.api.sent.filter((m) => m.chatId === VIEWER_ID).map((m) => m.text)).toEqual(toAdmin.map((m) => m.text));
  });

  it('the daily report is sent at telegram.dailyReportCron, on the clock', async () => {
    const h = await startHarness({ telegram: { dailyReportCron: '0 13 * * *', notifications: { dailyReport: 'on' } } });
    h.clock.increment(59 * 60_000);
    await h.tg.settled();
    expect(h.api.sent).toEqual([]);
    h.clock.increment(60_000);
    await h.tg.settled();
    expect(h.api.sent.map((m) => m.text.split('\n')[0])).toEqual(['Daily report, 2025-01-05 13:00 UTC → 2025-01-06 13:00 UTC', 'Daily report, 2025-01-05 13:00 UTC → 2025-01-06 13:00 UTC']);
  });

  it('events of the pipeline and the orchestrator have their own kinds and texts', () => {
    const notices: PipelineNotice[] = [
      { type: 'strategy.rolledBack', fromVersion: 'v002', toVersion: 'v001', trigger: 'drawdown past the Monte Carlo p95', at: 1 },
      { type: 'paperTest.finished', testId: 'pt-1', versionId: 'v002', verdict: 'passed', summary: '31 trades, matches its backtest', at: 2 },
      { type: 'orchestrator.report', report: { cycleId: 'n1', finishedAt: 3, decision: 'STRATEGY_TWEAK', hypothesis: 'faster EMA', diffSummary: 'fast 9 → 8', metrics: [{ name: 'sharpe', candidate: '1.3', incumbent: '1.1' }], gates: [{ name: 'walk-forward', passed: true, detail: 'OOS +2.1%' }], costUsd: 0.27 }, at: 3 },
      { type: 'selfAudit.finished', ok: false, findings: ['ETH balance 0.1 above the ledger'], at: 4 },
    ];
    const made = notices.map((n) => notificationOf(n)!);
    expect(made.map((n) => n.kind)).toEqual(['rollback', 'paperTest', 'nightlyReport', 'selfAudit']);
    expect(JSON.stringify(made[2]!.reply)).toMatch(/walk-forward.*passed/);
  });
});
