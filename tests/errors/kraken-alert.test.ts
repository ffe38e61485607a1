/**
 * A Kraken failure keeps its code and retry verdict all the way: the real client against the simulator
 * gets EAPI:Rate limit exceeded, the real chore actor reports it, the supervisor raises an alert that
 * carries the ErrorInfo, the trade log and the Telegram alert show the code. Before, it arrived as words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import pino from 'pino';
import { supervisorActors } from '../../actors/supervisor.actors.ts';
import type { SupervisorEmitted } from '../../machines/supervisor.machine.ts';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { tradeLog } from '../../src/daemon/trade-log.ts';
import { BalanceSchema } from '../../src/kraken/schemas.ts';
import { startHarness as startKraken, type Harness as KrakenHarness } from '../integration/kraken-harness.ts';
import { startSupervisor, T0 } from '../machines/supervisor.fixtures.ts';
import { ADMIN_ID, startHarness as startTelegram } from '../telegram/harness.ts';

let kraken: KrakenHarness | undefined;
afterEach(async () => kraken?.close());

const unused = (): never => {
  throw new Error('not used by this test');
};

/**
 * A supervisor whose chores run through the real chore actor; the chore asks the simulator once for the
 * balance, after `venueWord` was planted as the venue's answer.
 */
async function supervisorWithFailingVenue(venueWord: string) {
  kraken = await startKraken();
  const k = kraken;
  k.sim.faults.failApi(venueWord, { method: 'Balance' });
  const { runChore } = supervisorActors({
    openStore: unused,
    reconcile: unused,
    fills: unused,
    backfill: unused,
    journal: unused,
    cancelOrder: unused,
    closeStore: unused,
    jobs: [],
    clock: simulatedClock(T0),
    log: pino({ level: 'silent' }),
    chore: async () => {
      await k.drive(k.client.rest.privateCall('Balance', {}, BalanceSchema, { retries: 0 }));
      return {};
    },
  });
  const s = startSupervisor({ runChore });
  await s.running();
  return s;
}

async function firstAlert(s: Awaited<ReturnType<typeof supervisorWithFailingVenue>>) {
  s.port.schedule!({ type: 'schedule.feeRefresh', due: T0, time: T0 });
  await waitFor(s.actor, () => s.emitted.some((e) => e.type === 'supervisor.alert'));
  return s.emitted.find((e) => e.type === 'supervisor.alert') as Extract<SupervisorEmitted, { type: 'supervisor.alert' }>;
}

describe('a Kraken error reaches the alert intact', () => {
  it('EAPI:Rate limit exceeded in a chore becomes an alert with kraken.rate_limited, retryable, in the log and on Telegram', async () => {
    const s = await supervisorWithFailingVenue('EAPI:Rate limit exceeded');
    const logged: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
    s.actor.on('*', (e) => tradeLog(log)(e as SupervisorEmitted));
    const tg = await startTelegram({ actor: s.actor, telegram: { notifications: { alert: 'on' } } });
    s.actor.on('*', (e) => tg.tg.notifier.notify(e));

    const alert = await firstAlert(s);
    expect(alert.error).toEqual({ code: 'kraken.rate_limited', retryable: true, message: expect.stringContaining('EAPI:Rate limit exceeded') });
    expect(alert.message).toMatch(/^feeRefresh failed: \[kraken\.rate_limited, retryable\] Kraken Balance failed: EAPI:Rate limit exceeded/);
    expect(logged).toContainEqual(expect.objectContaining({ code: 'kraken.rate_limited', retryable: true, msg: alert.message }));
    await tg.tg.settled();
    const sent = tg.api.sent.filter((m) => m.chatId === ADMIN_ID).map((m) => m.text);
    expect(sent).toContainEqual(
      expect.stringContaining('⚠️ feeRefresh failed: [kraken.rate_limited, retryable] Kraken Balance failed: EAPI:Rate limit exceeded'),
    );
  });

  it('EOrder:Insufficient funds arrives as kraken.rejected, not retryable', async () => {
    const alert = await firstAlert(await supervisorWithFailingVenue('EOrder:Insufficient funds'));
    expect(alert.error).toMatchObject({ code: 'kraken.rejected', retryable: false });
    expect(alert.message).toContain('[kraken.rejected] Kraken Balance failed: EOrder:Insufficient funds');
  });
});
