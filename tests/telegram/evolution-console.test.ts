/**
 * The console's evolution changes through the loopback Bot API over the real use cases, as the daemon
 * wires them: /promote (refused until forced for an untested version, confirmed first), /rollback, a
 * rollback by the watch, /startpapertest → a paper test that passes and deploys, /cancelpapertest, and
 * /evolve running the offline evolver in the daemon. Every change is one event to the supervisor; every
 * step reaches the operator as the notification src/telegram/notify renders for the event's real name.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { DEFAULT_EVOLUTION_SETTINGS } from '../../machines/supervisor-evolution.ts';
import { seriesFromCsvDir } from '../../src/market/dataset.ts';
import type { RollbackTrigger } from '../../src/evolution/triggers.ts';
import { DEFAULT_SIM_DATA_DIR } from '../../src/sim/index.ts';
import { DEMO_EVOLUTION } from '../../src/daemon/demo-night.ts';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { seedInitialVersions } from '../../src/versions/seed.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { NOW, seedWorld, V1, V2 } from '../control/world.ts';
import type { SentRecord } from '../../src/telegram/loopback/state.ts';
import { ADMIN_ID, texts } from './harness.ts';
import { evolutionWorld, type EvolutionWorld } from './evolution-world.ts';

const DAY = 86_400_000;
const settings = { ...DEFAULT_EVOLUTION_SETTINGS, cooldownMs: 0, paper: { minDays: 1, maxDays: 2, minTrades: 0 } };

/** The command's answer among what was sent after it: the last message to the admin (notifications are queued before it). */
const answerOf = (sent: readonly SentRecord[]) => texts(sent.filter((m) => m.chatId === ADMIN_ID && m.method === 'sendMessage')).at(-1);

/** Asks `command` (as the admin) and returns its answer. */
async function asked(w: EvolutionWorld, command: string): Promise<string | undefined> {
  return answerOf(await w.h.ask(ADMIN_ID, command));
}

/** Asks `command`, confirms it, and returns the answer after the confirmation. */
async function confirmed(w: EvolutionWorld, command: string): Promise<string | undefined> {
  const [question] = await w.h.ask(ADMIN_ID, command);
  const data = (question!.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;
  return answerOf((await w.h.press(ADMIN_ID, data)).sent);
}

/** The notifications sent to the admin that match `pattern`, once the outbox is idle. */
async function told(w: EvolutionWorld, pattern: RegExp): Promise<string[]> {
  await w.h.tg.settled();
  return w.h.api.sent.filter((m) => m.chatId === ADMIN_ID && pattern.test(m.text)).map((m) => m.text);
}

const active = (w: EvolutionWorld) => w.rt.versions!.repo.active('strategy')?.versionId;

describe('deploy and rollback from the console, over the real use cases', () => {
  it('/promote of a version that has not passed the pipeline is refused after the confirmation; with force it deploys by event and is announced', async () => {
    const w = await evolutionWorld({ seed: (db) => seedWorld(db), supervisor: { evolution: settings } });
    expect(await confirmed(w, '/promote v002')).toMatch(
      /v002 sha256:2222222222222222 is a candidate that has not passed the pipeline \(no backtest, paper tests running\): it would trade untested; nothing was deployed\. Add force/,
    );
    expect(active(w)).toBe(V1);
    expect(await confirmed(w, '/promote v002 force')).toBe(
      `v002 ${V2} is live: the scanners switch at their next candle (was ${V1}). Positions opened before stay open.`,
    );
    expect(active(w)).toBe(V2);
    expect(w.rt.repos!.ledger.byVersion(V2)).toMatchObject({ stage: 'deployed', verdict: 'passed' });
    expect(await told(w, /🚀/)).toEqual([`🚀 Strategy ${V2} is live from the next candle (was ${V1}; by telegram:1: forced by hand, untested).`]);
  });

  it('/rollback goes back through the supervisor; a trigger of the rollback watch is announced with its numbers', async () => {
    const w = await evolutionWorld({ seed: (db) => seedWorld(db), supervisor: { evolution: settings } });
    await confirmed(w, '/promote v002 force');
    expect(await confirmed(w, '/rollback')).toBe(`strategy rolled back from ${V2} to v001 ${V1}: the scanners switch at their next candle.`);
    expect(active(w)).toBe(V1);
    expect(await told(w, /↩️/)).toEqual([
      `↩️ Strategy rolled back ${V2} → ${V1} by telegram:1: by hand. New entries at reduced size for the cooldown; positions stay open.`,
    ]);
    await confirmed(w, '/promote v002 force');
    const trigger: RollbackTrigger = { rung: 'operational', trigger: 'rejectShare', value: 0.6, threshold: 0.2, detail: '6 of 10 orders rejected' };
    w.s.port.watch!({ type: 'rollback.triggered', versionId: V2, trigger });
    await waitFor(w.s.actor, () => active(w) === V1);
    expect((await told(w, /↩️/)).at(-1)).toBe(
      `↩️ Strategy rolled back ${V2} → ${V1} by rollback watch: operational trigger rejectShare, 0.600 vs 0.200 (6 of 10 orders rejected). New entries at reduced size for the cooldown; positions stay open.`,
    );
  });
});

describe('paper tests from the console', () => {
  const scheduled = (w: EvolutionWorld, id: string) =>
    w.rt.repos!.paperTests.insert({
      id,
      versionId: V2,
      baselineVersionId: V1,
      status: 'scheduled',
      startedAt: null,
      deadline: NOW + 2 * DAY,
      endedAt: null,
      result: { ledgerId: 1 },
      reason: null,
      createdAt: NOW,
      updatedAt: NOW,
    });

  it('/startpapertest hands a test another process scheduled to the supervisor; it starts, passes, deploys, and each step is announced', async () => {
    const w = await evolutionWorld({ seed: (db) => seedWorld(db), supervisor: { evolution: settings } });
    scheduled(w, 'pt-2');
    expect(await asked(w, '/startpapertest pt-2')).toBe(
      `paper test pt-2 of ${V2} handed to the supervisor: it starts beside the incumbent as soon as a slot is free`,
    );
    expect(await told(w, /🧪/)).toEqual([expect.stringMatching(new RegExp(`^🧪 Paper test pt-2 of ${V2} started beside the incumbent`))]);
    w.s.clock.increment(DAY);
    await waitFor(w.s.actor, () => active(w) === V2);
    expect(await told(w, /✅/)).toEqual([
      `✅ Paper test pt-2 of ${V2} passed: shadow 1.00 % over 6 trades (shadow 6 trades 1.00%, incumbent 0.00%, 0 drift finding(s)); it deploys now.`,
    ]);
    expect(await told(w, /🚀/)).toEqual([`🚀 Strategy ${V2} is live from the next candle (was ${V1}; by paperTest pt-2: shadow 1.00 % over 6 trades).`]);
  });

  it('/cancelpapertest asks first, then the running test is cancelled by event and announced', async () => {
    const w = await evolutionWorld({ seed: (db) => seedWorld(db), supervisor: { evolution: settings } });
    scheduled(w, 'pt-3');
    await w.h.ask(ADMIN_ID, '/startpapertest pt-3');
    expect(await confirmed(w, '/cancelpapertest pt-3')).toBe('paper test pt-3 is being cancelled: its shadow stops and nothing is deployed');
    expect(await told(w, /cancelled by/)).toEqual([`Paper test pt-3 of ${V2} cancelled by telegram:1; nothing is deployed.`]);
    expect(await confirmed(w, '/cancelpapertest nope')).toBe("no paper test nope; list them with 'brain papertest list --all'");
  });
});

describe('/evolve', () => {
  it("runs the offline evolver inside the daemon: the reply is at once, the winner goes to a paper test that starts, and the run's end is told", async () => {
    const pairs = ['BTC/USD', 'ETH/USD'] as const;
    const series = await seriesFromCsvDir(DEFAULT_SIM_DATA_DIR, { pairs, timeframe: '5m', from: 0, to: Number.MAX_SAFE_INTEGER });
    const end = Math.min(...series.map((x) => x.columns.time.at(-1)!)) + 300_000;
    const w = await evolutionWorld({
      clock: simulatedClock(end),
      settings: {
        evolution: { ...DEMO_EVOLUTION, policy: { ...DEMO_EVOLUTION.policy, dataDays: 14 }, evolver: { budgetMinutes: 0.01, rungSize: 4, fullGates: 1 } },
      },
      seed: async (_db, rt) => {
        await seedInitialVersions(rt.versions!, PROJECT_ROOT);
        const repo = rt.repos!.candles;
        for (const s of series) {
          const c = s.columns;
          repo.upsertMany(
            s.pair,
            '5m',
            Array.from(c.time, (time, i) => ({ time, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! })),
          );
        }
      },
    });
    expect(await asked(w, '/evolve')).toBe(
      "Offline evolver started by telegram:1: up to 0.01 min on the active strategy's parameters. A winner goes to a paper test; you hear when the run ends.",
    );
    expect(await asked(w, '/evolve')).toMatch(/still going/);
    await w.h.api.until(() => w.h.api.sent.some((m) => m.text.startsWith('🧬')));
    const [end1] = await told(w, /🧬/);
    expect(end1).toMatch(
      /^🧬 Evolver run started by telegram:1 ended: \d+ drawn, \d+ screened, [1-9]\d* through the full gates, [1-9]\d* passed in \d+ s: winner \w{12} stored as sha256:\w+, paper test (pt-\S+) scheduled$/,
    );
    const testId = /paper test (pt-\S+) scheduled/.exec(end1!)![1]!;
    expect(await told(w, /🧪/)).toEqual([expect.stringContaining(`🧪 Paper test ${testId} of sha256:`)]);
  }, 120_000);
});
