/**
 * Dangerous commands ask first (DESIGN: /kill, /stop, /forceexit, /promote, /rollback, /cancelpapertest, /resetbreaker, /mode live):
 * for each, a confirm runs it once, a cancel runs nothing, an expired button runs nothing, and a press
 * by another user runs nothing and leaves the button to its owner. The buttons carry an opaque id only.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { modePort } from '../../src/control/mode-port.ts';
import { createRepositories } from '../../src/db/index.ts';
import { modeRequestsRepo } from '../../src/db/mode-requests.repo.ts';
import { NOW, seedWorld, V1, V2 } from '../control/world.ts';
import { startSupervisor } from '../machines/supervisor.fixtures.ts';
import { evolutionWorld, type EvolutionWorld } from './evolution-world.ts';
import { ADMIN_ID, startHarness, STRANGER_ID, texts, VIEWER_ID, type Harness } from './harness.ts';

const DAY = 86_400_000;
const KRAKEN_KEYS = { krakenApiKey: 'test-key', krakenApiSecret: 'c2VjcmV0' };

interface World {
  h: Harness;
  /** Whether the command's effect happened. */
  done(): boolean;
  /** What the venue must do after a confirm for the command to finish (fill the closing orders). */
  settleVenue?(): Promise<void>;
}

async function withPosition(): Promise<{ s: ReturnType<typeof startSupervisor>; settleVenue: () => Promise<void> }> {
  const s = startSupervisor();
  await s.running();
  await s.openPosition('BTC/USD', 100);
  const settleVenue = async () => {
    const [sell] = await s.sentOrder('sell');
    s.fill(sell!.clOrdId, 99);
  };
  return { s, settleVenue };
}

/** The console over the real evolution use cases (tests/telegram/evolution-world.ts); `done` reads the database they change. */
async function evolutionCase(done: (w: EvolutionWorld) => boolean, prepare?: (w: EvolutionWorld) => Promise<void>): Promise<World> {
  const w = await evolutionWorld({ seed: (db) => seedWorld(db) });
  await prepare?.(w);
  return { h: w.h, done: () => done(w) };
}

const CASES: Record<string, () => Promise<World>> = {
  '/kill': async () => {
    const { s, settleVenue } = await withPosition();
    const h = await startHarness({ actor: s.actor });
    return { h, done: () => s.actor.getSnapshot().matches('halted'), settleVenue };
  },
  '/stop': async () => {
    const stops: string[] = [];
    const s = startSupervisor();
    await s.running();
    const h = await startHarness({ actor: s.actor, deps: { lifecycle: { requestStop: (by) => void stops.push(by), requestRestart: () => undefined } } });
    return { h, done: () => stops.length === 1 };
  },
  '/mode live': async () => {
    const restarts: string[] = [];
    const h = await startHarness({
      deps: { lifecycle: { requestStop: () => undefined, requestRestart: (by) => void restarts.push(by) } },
      settings: { secrets: KRAKEN_KEYS },
    });
    h.deps.mode = modePort({
      running: { mode: 'paper', source: 'config/settings.toml' },
      read: h.deps.db,
      clock: h.clock,
      isolation: h.deps.config.isolation,
      probe: () => ({ unshare: true, dropUid: false }),
      write: (use) => use(modeRequestsRepo(h.deps.db)),
    });
    return { h, done: () => restarts.length === 1 && modeRequestsRepo(h.deps.db).latest()?.mode === 'live' };
  },
  '/forceexit btc': async () => {
    const { s, settleVenue } = await withPosition();
    const h = await startHarness({ actor: s.actor });
    return { h, done: () => s.sent.size === 2, settleVenue };
  },
  '/resetbreaker': async () => {
    const s = startSupervisor();
    await s.running();
    s.actor.send({ type: 'supervisor.breakerHalt', by: 'test' });
    await waitFor(s.actor, (x) => x.context.breaker === 'halted');
    const h = await startHarness({ actor: s.actor });
    return { h, done: () => s.actor.getSnapshot().context.breaker === 'active' };
  },
  '/promote v002 force': () => evolutionCase((w) => w.rt.versions!.repo.active('strategy')?.versionId === V2),
  '/rollback': () =>
    evolutionCase(
      (w) => w.rt.versions!.repo.active('strategy')?.versionId === V1,
      async (w) => {
        await w.rt.versions!.deploy(V2);
      },
    ),
  '/cancelpapertest pt-9': () =>
    evolutionCase(
      (w) => w.s.emitted.some((e) => e.type === 'paperTest.cancelled'),
      async (w) => {
        w.rt.repos!.paperTests.insert({
          id: 'pt-9',
          versionId: V2,
          baselineVersionId: V1,
          status: 'scheduled',
          startedAt: null,
          deadline: NOW + DAY,
          endedAt: null,
          result: null,
          reason: null,
          createdAt: NOW,
          updatedAt: NOW,
        });
        w.s.actor.send({ type: 'paperTest.scheduled', paperTestId: 'pt-9', versionId: V2, incumbentId: V1, ledgerId: null });
        // Its start is announced now, not in the middle of the question.
        await w.h.settle();
      },
    ),
};

/** Sends the command and returns the question message and its two buttons' data. */
async function ask(w: World, command: string) {
  const [question] = await w.h.ask(ADMIN_ID, command);
  const row = (question!.replyMarkup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard[0]!;
  return { question: question!, ok: row[0]!.callback_data, no: row[1]!.callback_data, labels: row.map((b) => b.text) };
}

async function confirm(w: World, data: string, userId = ADMIN_ID) {
  const pressing = w.h.press(userId, data, ADMIN_ID);
  if (w.settleVenue) await w.settleVenue();
  return pressing;
}

const audits = (w: World) =>
  createRepositories(w.h.deps.db)
    .audit.recent(50)
    .map((a) => `${a.what} ${JSON.stringify(a.details)}`);

describe.each(Object.keys(CASES))('%s asks for a confirmation', (command) => {
  const name = command.split(' ')[0]!;

  it('confirm: the question names the act, the buttons carry an opaque id, the command runs once', async () => {
    const w = await CASES[command]!();
    const { question, ok, no, labels } = await ask(w, command);
    expect(question.text).toMatch(/\?.*\n\nConfirm within 60 s; only you can answer\.$/s);
    expect(labels).toEqual(['Confirm', 'Cancel']);
    expect(ok).toMatch(/^ok:[\w-]{12}$/);
    expect(no).toBe(`no:${ok.slice(3)}`);
    expect(w.done()).toBe(false);
    const { sent, answer } = await confirm(w, ok);
    expect(answer).toBe(`Running ${name}…`);
    expect(sent[0]).toMatchObject({ method: 'editMessageText', messageId: question.messageId, replyMarkup: null });
    expect(sent[0]!.text).toMatch(/^✔️ Confirmed: /);
    expect(texts(sent.slice(1)).join('\n')).not.toMatch(/not built|failed|refused/i);
    expect(w.done()).toBe(true);
    const again = await w.h.press(ADMIN_ID, ok);
    expect(again.answer).toBe('Already answered; nothing was done.');
    expect(audits(w).filter((a) => a.startsWith(`command.${name.slice(1)}`))).toHaveLength(2);
  });

  it('cancel: nothing runs, the question says so, and a later confirm is refused', async () => {
    const w = await CASES[command]!();
    const { ok, no } = await ask(w, command);
    const { sent, answer } = await w.h.press(ADMIN_ID, no);
    expect(answer).toBe('Cancelled.');
    expect(texts(sent)).toEqual([`✖️ Cancelled: ${name} was not run.`]);
    expect((await w.h.press(ADMIN_ID, ok)).answer).toBe('Already answered; nothing was done.');
    expect(w.done()).toBe(false);
  });

  it('expire: after confirmTtlSeconds the button does nothing and says so', async () => {
    const w = await CASES[command]!();
    const { ok } = await ask(w, command);
    w.h.clock.increment(60_000);
    const { sent, answer } = await w.h.press(ADMIN_ID, ok);
    expect(answer).toBe(`Expired: ${name} was not run. Send it again.`);
    expect(texts(sent)).toEqual([`⌛ Expired: ${name} was not run.`]);
    expect(w.done()).toBe(false);
  });

  it("foreign user: another user's press does nothing and the owner can still confirm; a stranger gets no answer", async () => {
    const w = await CASES[command]!();
    const { ok } = await ask(w, command);
    const foreign = await w.h.press(VIEWER_ID, ok, ADMIN_ID);
    expect(foreign.answer).toBe('Only the user who asked can answer this; nothing was done.');
    expect(foreign.sent).toEqual([]);
    const stranger = await w.h.press(STRANGER_ID, ok, ADMIN_ID);
    expect(stranger.answer).toBeUndefined();
    expect(w.done()).toBe(false);
    await confirm(w, ok);
    expect(w.done()).toBe(true);
    expect(audits(w).some((a) => a.startsWith('confirmation.foreign'))).toBe(true);
  });
});
