/** The midnight drift chore, and the nightly slot, which belongs to the cycle child and starts no chore. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { choreOf } from '../../../machines/supervisor-logic.ts';
import { ConfigSchema } from '../../../src/config/index.ts';
import { runChore } from '../../../actors/supervisor/chores.ts';

const DAY = 86_400_000;

describe('evolution chores', () => {
  it('reconciles the day that just closed at midnight', async () => {
    const ran: string[] = [];
    const d = {
      config: ConfigSchema.parse({}),
      client: {} as never,
      rt: {},
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
      log: pino({ level: 'silent' }),
      drift: async (day: number) => void ran.push(`drift ${day}`),
    };
    await runChore(d, 'drift', 10 * DAY + 5);
    expect(ran).toEqual([`drift ${9 * DAY}`]);
  });

  it('one nightly path: the orchestrator slot starts no chore (the cycle child runs the model or the offline evolver)', () => {
    expect(choreOf({ type: 'schedule.orchestrator', due: 0, time: 0 } as never)).toBeNull();
    expect(choreOf({ type: 'schedule.dailySnapshot', due: 0, time: 0 } as never)).toBe('drift');
  });
});
