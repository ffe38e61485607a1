/** Issue 12: one parser for the simulator's fault flags, used by `brain sim` and `brain run --sim`. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { faultPlanOf } from '../../src/cli/fault-flags.ts';
import { applyFaultPlan } from '../../src/sim/fault-plan.ts';
import { startKrakenSim } from '../../src/sim/index.ts';

describe('fault flags', () => {
  it('parse into a plan: statuses, counts, errors that keep their own colon', () => {
    expect(
      faultPlanOf({
        'fail-http': ['502:AddOrder:3', '503'],
        'fail-api': ['EService:Busy:OpenOrders:2'],
        'lose-response': ['AddOrder:1'],
        'drop-ws-every': '30',
        status: 'post_only',
      }),
    ).toEqual({
      status: 'post_only',
      failHttp: [{ status: 502, method: 'AddOrder', times: 3 }, { status: 503 }],
      failApi: [{ error: 'EService:Busy', method: 'OpenOrders', times: 2 }],
      loseResponse: [{ method: 'AddOrder', times: 1 }],
      dropWsEverySec: 30,
    });
    expect(() => faultPlanOf({ 'drop-ws-every': '-1' })).toThrow('--drop-ws-every must be a non-negative number, got "-1"');
  });

  it('a plan applied to a simulator installs its faults; a fault without a count lasts the whole run', async () => {
    const sim = await startKrakenSim({ pairs: ['BTC/USD'] });
    try {
      const stop = applyFaultPlan(
        sim,
        faultPlanOf({ 'lose-response': ['AddOrder:2'], 'fail-api': ['EService:Busy:Balance'], status: 'cancel_only' }),
        pino({ level: 'silent' }),
      );
      expect([sim.faults.take('AddOrder'), sim.faults.take('AddOrder'), sim.faults.take('AddOrder')]).toEqual([{ kind: 'lose' }, { kind: 'lose' }, undefined]);
      for (let i = 0; i < 5; i++) expect(sim.faults.take('Balance')).toEqual({ kind: 'api', error: 'EService:Busy' });
      expect(sim.faults.systemStatus()).toBe('cancel_only');
      stop();
    } finally {
      await sim.close();
    }
  });
});
