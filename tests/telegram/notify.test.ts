/**
 * Notifications by event at the level the config gives each kind: on (with sound), silent (without),
 * off (never sent); the events come from a running supervisor as it announces them; the daily report
 * comes at its cron slot on the clock.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { DEFAULT_EVOLUTION_SETTINGS } from '../../machines/supervisor-evolution.ts';
import { CYCLE, NOW, seedWorld } from '../control/world.ts';
import { PASSING_VERDICT, startSupervisor } from '../machines/supervisor.fixtures.ts';
import { ADMIN_ID, startHarness, VIEWER_ID } from './harness.ts';

describe('notifications', () => {
  it('a trade, the feed and the breaker reach every user at their levels; off is never sent', async () => {
    const s = startSupervisor({ limits: { maxConsecutiveLosses: 1 }, feed: { mode: 'paper' } });
    await s.running();
    const h = await startHarness({
      actor: s.actor,
      telegram: { notifications: { entry: 'silent', exit: 'on', fill: 'off', rejection: 'off', feed: 'on', breaker: 'on' } },
    });
    s.actor.on('*', (e) => h.tg.notifier.notify(e));
    await s.openPosition('BTC/USD', 100);
    await s.closePosition('BTC/USD', 90);
    // The market line as its connection child reports it: up at boot, dropped, still down, given up, back.
    const closed = { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true };
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: closed });
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: closed });
    s.actor.send({ type: 'connection.failed', endpoint: 'public', attempts: 10, error: closed });
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    await h.tg.settled();
    const toAdmin = h.api.sent.filter((m) => m.chatId === ADMIN_ID);
    expect(toAdmin.map((m) => [m.text.split(' · ')[0], m.silent])).toEqual([
      ['🟢 Bought 10 BTC/USD at 100 ($1,000.00)', true],
      ['🔻 Closed BTC/USD: -$107.60 after $7.60 fees (signal)', false],
      ['⛔ Breaker HALTED: the losing streak reached risk.maxConsecutiveLosses. No new entries; exits still pass. Lift it with /resetbreaker.', false],
      ['📵 Market feed down ([feed.disconnected] kraken.ws_closed: socket closed (1006)): no new entries until it is back.', false],
      // The outage alerts stay: the line gave up and is restarted (alert kind, its own level).
      [
        '⚠️ public market feed down: 10 reconnects failed ([kraken.ws_closed, retryable] socket closed (1006)); retrying every 1–60 s; no new entries until it is back',
        false,
      ],
      ['📶 Market feed back ([feed.resubscribed] reconnected and subscribed again); entries allowed again.', false],
      ['⚠️ public market feed back after 1 restart', false],
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
    expect(h.api.sent.map((m) => m.text.split('\n')[0])).toEqual([
      'Daily report, 2025-01-05 13:00 UTC → 2025-01-06 13:00 UTC',
      'Daily report, 2025-01-05 13:00 UTC → 2025-01-06 13:00 UTC',
    ]);
  });

  it('a finished night becomes its change report: hypothesis, change, metrics against the incumbent, gates, cost', async () => {
    const s = startSupervisor();
    await s.running();
    const h = await startHarness({ actor: s.actor, seed: (db) => seedWorld(db), telegram: { notifications: { nightlyReport: 'on' } } });
    s.actor.on('*', (e) => h.tg.notifier.notify(e));
    // What the cycle child reports; the supervisor announces it under the same name.
    s.actor.send({ type: 'orchestrator.cycleFinished', cycleId: CYCLE, outcome: 'submitted', reason: 'paper test pt-1 scheduled', error: null, at: NOW });
    await h.tg.settled();
    const [report] = h.api.sent.filter((m) => m.chatId === ADMIN_ID);
    expect(report!.silent).toBe(false);
    for (const p of [
      /^Night night-2025-01-06: submitted \(strategy_tweak\)/,
      /hypothesis\s+A faster EMA catches the turns/,
      /change\s+\+1 −1 lines/,
      /cost\s+\$0\.66/,
      /return over the 14-day holdout\s+2\.10 %\s+1\.20 %/,
      /oosEdge\s+passed/,
      /dsr\s+passed/,
    ]) {
      expect(report!.text).toMatch(p);
    }
  });

  it('a paper test that fails and a self-audit are told under the names the supervisor emits', async () => {
    const failing = {
      ...PASSING_VERDICT,
      passed: false,
      failedCheck: 'underperformance' as const,
      reason: 'trailed the incumbent by 2.1 %',
      shadow: { trades: 4, totalReturn: -0.02 },
    };
    const s = startSupervisor({ paperVerdict: failing, evolution: { ...DEFAULT_EVOLUTION_SETTINGS, paper: { minDays: 1, maxDays: 2, minTrades: 0 } } });
    await s.running();
    const h = await startHarness({ actor: s.actor, telegram: { notifications: { paperTest: 'on', selfAudit: 'on' } } });
    s.actor.on('*', (e) => h.tg.notifier.notify(e));
    s.actor.send({ type: 'paperTest.scheduled', paperTestId: 'pt-7', versionId: 'v007', incumbentId: 'v001', ledgerId: null });
    s.clock.increment(86_400_000);
    await waitFor(s.actor, (x) => x.context.evolution.paperTests.length === 0);
    s.actor.send({ type: 'chore.done', chore: 'audit', audit: { reportId: 12, passed: false, failed: ['balances'] } });
    await h.tg.settled();
    expect(h.api.sent.filter((m) => m.chatId === ADMIN_ID).map((m) => m.text.split(' · ')[0])).toEqual([
      '🧪 Paper test pt-7 of v007 started beside the incumbent',
      '❌ Paper test pt-7 of v007 failed: trailed the incumbent by 2.1 % (shadow 4 trades -2.00%, incumbent 0.00%, 0 drift finding(s)). Nothing is deployed.',
      'Self-audit found problems\n\nfailed: balances',
      expect.stringMatching(/^⚠️ self-audit #12 failed \(balances\)/),
      '⚠️ Breaker reducing: a self-audit failed (held until an operator resumes). Entries at half size.',
    ]);
  });
});
