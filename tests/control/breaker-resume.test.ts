/**
 * Issue 12 point 7 at the supervisor: an operator's resume reaches the breaker as ONE event to the
 * supervisor (never a reach into the child), and entries flow again; a halt stops them; the answers are
 * the breaker's own announcements.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { supervisorPort } from '../../src/control/supervisor-port.ts';
import type { Clock } from '../../src/clock/clock.ts';
import { startSupervisor } from '../machines/supervisor.fixtures.ts';
import { controlDeps, run } from './fixtures.ts';

describe('the breaker commands against a running supervisor', () => {
  it('a losing streak halts entries; /resetbreaker resumes the breaker and the next buy is acted', async () => {
    const s = startSupervisor({ limits: { maxConsecutiveLosses: 1 } });
    await s.running();
    const deps = controlDeps({ supervisor: supervisorPort(s.actor, s.clock as unknown as Clock) }, s.clock as unknown as Clock);
    await s.openPosition('BTC/USD', 100);
    await s.closePosition('BTC/USD', 90);
    await waitFor(s.actor, (x) => x.context.breaker === 'halted');
    expect((await s.signal('ETH/USD', 'buy', 50)).signal!.verdict.outcome).toBe('rejected');

    expect(await run(deps, '/resetbreaker')).toMatch(/^Breaker resumed \(was halted\): new entries allowed again/);
    expect(s.actor.getSnapshot().context).toMatchObject({ breaker: 'active', streak: 0 });
    expect((await s.signal('ETH/USD', 'buy', 50)).signal!.verdict.outcome).toBe('acted');
  });

  it('/halt halts the breaker by event and entries are refused; a second /halt changes nothing', async () => {
    const s = startSupervisor();
    await s.running();
    const deps = controlDeps({ supervisor: supervisorPort(s.actor, s.clock as unknown as Clock) }, s.clock as unknown as Clock);
    expect(await run(deps, '/halt')).toMatch(/^Breaker halted: no new entries, exits still pass/);
    expect((await s.signal('BTC/USD', 'buy', 100)).signal!.verdict.rejectReason).toBe('breaker_halted');
    expect(await run(deps, '/halt')).toBe('The breaker is already halted; nothing changed.');
    expect(s.emitted.filter((e) => e.type === 'breaker.tripped')).toHaveLength(1);
  });

  it('a resume while a hard limit still holds is refused by the breaker and the halt stays', async () => {
    const s = startSupervisor({ limits: { dailyLossFraction: 0.01 } });
    await s.running();
    const deps = controlDeps({ supervisor: supervisorPort(s.actor, s.clock as unknown as Clock) }, s.clock as unknown as Clock);
    await s.openPosition('BTC/USD', 100);
    // A 50 % fall of the held coin is a daily loss beyond 1 %: the rule halts.
    s.port.feed!({ type: 'market.candle', pair: 'BTC/USD', candle: { time: s.clock.now(), open: 50, high: 50, low: 50, close: 50, volume: 1 } });
    await waitFor(s.actor, (x) => x.context.breaker === 'halted');
    expect(await run(deps, '/resetbreaker')).toMatch(/^Resume refused: the day's loss passed risk.dailyLossFraction/);
    expect(s.actor.getSnapshot().context.breaker).toBe('halted');
  });

  it('/breaker shows the live level, and /resetbreaker on an active breaker changes nothing', async () => {
    const s = startSupervisor();
    await s.running();
    const deps = controlDeps({ supervisor: supervisorPort(s.actor, s.clock as unknown as Clock) }, s.clock as unknown as Clock);
    expect(await run(deps, '/breaker')).toMatch(/level\s+active/);
    expect(await run(deps, '/resetbreaker')).toBe('The breaker is already active; nothing changed.');
  });
});
