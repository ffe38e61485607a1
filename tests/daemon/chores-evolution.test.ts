/** The nightly slot's evolve chore and the midnight drift chore: what runs, and when the model has the slot instead. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/index.ts';
import { runChore } from '../../src/daemon/chores.ts';

const DAY = 86_400_000;
function deps(secrets: Record<string, string> = {}, orchestrator: Record<string, unknown> = {}) {
  const ran: string[] = [];
  const config = ConfigSchema.parse({ secrets, orchestrator });
  const d = {
    config, client: {} as never, rt: {}, clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined }, log: pino({ level: 'silent' }),
    drift: async (day: number) => void ran.push(`drift ${day}`), evolve: async () => void ran.push('evolve'),
  };
  return { d, ran };
}

describe('evolution chores', () => {
  it('runs the offline evolver in the nightly slot without a model key, and leaves the slot to the model with one', async () => {
    const none = deps();
    await runChore(none.d, 'evolve', 0);
    expect(none.ran).toEqual(['evolve']);
    const keyed = deps({ anthropicApiKey: 'k' });
    await runChore(keyed.d, 'evolve', 0);
    expect(keyed.ran).toEqual([]);
    const broke = deps({ anthropicApiKey: 'k' }, { dailyBudgetUsd: 0 });
    await runChore(broke.d, 'evolve', 0);
    expect(broke.ran).toEqual(['evolve']);
  });

  it('reconciles the day that just closed at midnight', async () => {
    const { d, ran } = deps();
    await runChore(d, 'drift', 10 * DAY + 5);
    expect(ran).toEqual([`drift ${9 * DAY}`]);
  });
});
