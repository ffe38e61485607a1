/**
 * The supervisor's part of the pipeline: a scheduled paper test is spawned and started within the bound,
 * hears the closed candles, and its pass becomes a deploy (an event, not a polled pointer); a restart
 * mid-deploy deploys again; a rollback trigger reverts with a reducing hold and respects the cooldown.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { DEFAULT_EVOLUTION_SETTINGS } from '../../machines/supervisor-evolution.ts';
import type { RollbackTrigger } from '../../src/evolution/triggers.ts';
import { bootState, startSupervisor, T0 } from './supervisor.fixtures.ts';

const DAY = 86_400_000;
const scheduled = (id: string) => ({ type: 'paperTest.scheduled' as const, paperTestId: id, versionId: `v-${id}`, incumbentId: 'v1', ledgerId: 1 });
const trigger: RollbackTrigger = { rung: 'statistical', trigger: 'cusum', value: 0.2, threshold: 0.1, detail: 'CUSUM of 12 trade returns' };
/** Lets the callback actors' queued work run (no time passes). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const settings = { ...DEFAULT_EVOLUTION_SETTINGS, maxConcurrentPaperTests: 1, paper: { minDays: 1, maxDays: 2, minTrades: 0 } };

describe('supervisor and the evolution pipeline', () => {
  it('runs at most maxConcurrent paper tests, forwards candles to the running one, and deploys a pass by event', async () => {
    const s = startSupervisor({ evolution: settings });
    await s.running();
    s.actor.send(scheduled('a'));
    s.actor.send(scheduled('b'));
    s.actor.send(scheduled('a'));
    expect(s.actor.getSnapshot().context.evolution.paperTests).toEqual([
      { id: 'a', running: true },
      { id: 'b', running: false },
    ]);
    s.port.feed!({ type: 'market.candle', pair: 'BTC/USD', candle: { time: T0, open: 1, high: 1, low: 1, close: 1, volume: 1 } });
    await settle();
    expect(s.calls).toContain('shadow a market.candle');
    expect(s.calls.some((c) => c.startsWith('shadow b'))).toBe(false);
    s.clock.increment(DAY);
    await waitFor(s.actor, (x) => x.context.evolution.lastSwitchAt !== null);
    expect(s.calls).toContain('switch deploy v-a by paperTest a');
    expect(s.emitted.map((e) => e.type)).toContain('paperTest.passed');
    expect(s.actor.getSnapshot().context.evolution.paperTests).toEqual([{ id: 'b', running: true }]);
    await settle();
    expect(s.watched.find((e) => e.type === 'watch.reset')).toMatchObject({ versionId: 'v-a' });
  });

  it('a paper test another process scheduled while the daemon was stopped starts at boot, like an announced one', async () => {
    const s = startSupervisor({ evolution: settings, boot: bootState({ scheduledPaperTests: [scheduled('c')] }) });
    await s.running();
    expect(s.actor.getSnapshot().context.evolution.paperTests).toEqual([{ id: 'c', running: true }]);
    expect(s.emitted).toContainEqual(expect.objectContaining({ type: 'paperTest.started', paperTestId: 'c' }));
  });

  it('a restart during a deploy deploys the passed version again at boot', async () => {
    const s = startSupervisor({ boot: bootState({ pendingDeploys: [{ versionId: 'v-x', paperTestId: 'pt-x' }] }) });
    await s.running();
    await waitFor(s.actor, (x) => x.context.evolution.lastSwitchAt !== null);
    expect(s.calls).toContain('switch deploy v-x by paperTest pt-x');
  });

  it('a rollback trigger reverts to the parent, holds the breaker at reducing for the cooldown, alerts, and a second trigger within the cooldown is ignored', async () => {
    const s = startSupervisor({ evolution: { ...settings, cooldownMs: DAY, reducingMs: DAY } });
    await s.running();
    s.port.watch!({ type: 'rollback.triggered', versionId: 'v2', trigger });
    await waitFor(s.actor, (x) => x.context.evolution.lastSwitchAt !== null);
    expect(s.calls).toContain('switch rollback previous by rollback watch');
    const ctx = s.actor.getSnapshot().context;
    await waitFor(s.actor, (x) => x.context.breaker === 'reducing');
    expect(s.actor.system.get('breaker').getSnapshot().context).toMatchObject({ holds: ['rollback'], holdUntil: { rollback: ctx.now + DAY } });
    expect(s.emitted.find((e) => e.type === 'supervisor.alert')).toMatchObject({ message: expect.stringContaining('statistical trigger cusum') });
    s.port.watch!({ type: 'rollback.triggered', versionId: 'parent', trigger });
    await settle();
    expect(s.calls.filter((c) => c.startsWith('switch rollback'))).toHaveLength(1);
  });

  it('a position opened by the previous version stays open across a deploy, and the new version closes it by its own signal', async () => {
    const s = startSupervisor({ evolution: settings });
    await s.running();
    await s.openPosition('BTC/USD', 100);
    s.actor.send({ type: 'strategy.deploy', versionId: 'v2', by: 'operator', reason: 'test' });
    await waitFor(s.actor, (x) => x.context.evolution.lastSwitchAt !== null);
    expect(s.actor.getSnapshot().context.slots).toMatchObject([{ pair: 'BTC/USD', phase: 'open' }]);
    const sell = await s.closePosition('BTC/USD', 101);
    expect(sell.side).toBe('sell');
    await waitFor(s.actor, (x) => x.context.slots.length === 0);
  });

  it('a live canary trades the new version at its size fraction until its trades are done', async () => {
    const full = startSupervisor({ evolution: settings });
    await full.running();
    const normal = await full.openPosition('BTC/USD', 100);
    const s = startSupervisor({ evolution: { ...settings, canary: { fraction: 0.25, trades: 1 } } });
    await s.running();
    s.actor.send({ type: 'strategy.deploy', versionId: 'v2', by: 'operator', reason: 'test' });
    await waitFor(s.actor, (x) => x.context.evolution.canaryLeft === 1);
    const canary = await s.openPosition('BTC/USD', 100);
    expect(canary.quantity).toBeCloseTo(normal.quantity * 0.25, 6);
    await s.closePosition('BTC/USD', 100);
    await waitFor(s.actor, (x) => x.context.evolution.canaryLeft === 0);
  });
});
