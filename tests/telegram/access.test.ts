/**
 * Bad input of every kind gets a clear, short answer and runs nothing (strangers get silence); every
 * command an authorised user sends is in the audit log with user, arguments and outcome; an update
 * delivered twice is taken in once.
 */
import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.ts';
import { startSupervisor } from '../machines/supervisor.fixtures.ts';
import { ADMIN_ID, startHarness, STRANGER_ID, texts, VIEWER_ID } from './harness.ts';

const BAD: Array<[string, string]> = [
  ['/statuss', 'Unknown command /statuss — did you mean /status? /help lists them.'],
  ['/order', '/order: ID is missing: a position id or a cl_ord_id, as /positions and /trades show them. Usage: /order ID'],
  ['/chart', '/chart: chart must be one of equity, drawdown, pnl, got nothing. Usage: /chart equity|drawdown|pnl [days]'],
  ['/trades abc', '/trades: n must be a whole number from 1 to 100, got "abc". Usage: /trades [n]'],
  ['/trades 500', '/trades: n must be a whole number from 1 to 100, got 500. Usage: /trades [n]'],
  ['/count now', '/count: takes no arguments, got "now". Usage: /count'],
  [
    '/forceexit FOO',
    '/forceexit: unknown pair "FOO": all or one of BTC/USD, ETH/USD, SOL/USD, XRP/USD, ADA/USD, DOT/USD, AVAX/USD, LINK/USD, DOGE/USD. Usage: /forceexit PAIR|all',
  ],
  ['/fx sol', 'SOL/USD is not traded here; pairs: BTC/USD, ETH/USD.'],
  ['/thought analysis 0', '/thought: ATTEMPT must be a whole number from 1 to 20, got 0. Usage: /thought STEP [ATTEMPT] [CYCLE]'],
  ['/thought thinking', '/thought: STEP must be analysis, generation or review, got "thinking". Usage: /thought STEP [ATTEMPT] [CYCLE]'],
  ['hello', 'Commands start with / — /help lists them.'],
];

describe('bad input', () => {
  it.each(BAD)('%s → a clear answer, nothing run', async (input, answer) => {
    const s = startSupervisor();
    await s.running();
    const h = await startHarness({ actor: s.actor });
    expect(texts(await h.ask(ADMIN_ID, input))).toEqual([answer]);
    expect(s.emitted.filter((e) => e.type.startsWith('breaker.') || e.type === 'intent.accepted')).toEqual([]);
    expect(s.actor.getSnapshot().matches({ running: 'trading' })).toBe(true);
  });

  it('a huge message is refused unread', async () => {
    const h = await startHarness();
    expect(texts(await h.ask(ADMIN_ID, `/status ${'x'.repeat(600)}`))).toEqual([
      'Message too long (608 characters); a command is at most 512. Nothing was run.',
    ]);
  });

  it('a viewer is told a control command is not theirs', async () => {
    const h = await startHarness();
    expect(texts(await h.ask(VIEWER_ID, '/pause'))).toEqual(['/pause needs the admin role; you are a viewer. /help lists yours.']);
  });

  it('a flood from one user: the limit is answered, one warning, then silence until the bucket refills; others are not affected', async () => {
    const h = await startHarness({ telegram: { commandsPerMinute: 5 } });
    const answers: number[] = [];
    for (let i = 0; i < 8; i++) answers.push((await h.ask(ADMIN_ID, '/count')).length);
    expect(answers).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(h.api.sent.filter((s) => s.chatId === ADMIN_ID).at(-1)!.text).toBe(
      'Too many commands: at most 5 a minute. The ones after this are ignored until you slow down.',
    );
    expect(await h.ask(VIEWER_ID, '/count')).toHaveLength(1);
    h.clock.increment(12_000);
    expect(texts(await h.ask(ADMIN_ID, '/count'))[0]).toMatch(/position slots used/);
  });

  it('a stranger gets no answer, is logged once per 10 minutes, and their commands never run', async () => {
    const s = startSupervisor();
    await s.running();
    const h = await startHarness({ actor: s.actor });
    expect(await h.ask(STRANGER_ID, '/kill')).toEqual([]);
    expect(await h.ask(STRANGER_ID, '/pause')).toEqual([]);
    expect(s.actor.getSnapshot().matches({ running: 'trading' })).toBe(true);
    const logged = () => h.lines.filter((l) => l.includes('message from an unknown user') && l.includes(`"userId":${STRANGER_ID}`)).length;
    expect(logged()).toBe(1);
    h.clock.increment(10 * 60_000);
    await h.ask(STRANGER_ID, '/status');
    expect(logged()).toBe(2);
  });

  it('an old or malformed button does nothing and says so', async () => {
    const h = await startHarness();
    await h.ask(ADMIN_ID, '/count');
    expect((await h.press(ADMIN_ID, 'ok:AAAAAAAAAAAA')).answer).toBe('This button is from an old message or another installation; nothing was done.');
    expect((await h.press(ADMIN_ID, 'sell-everything')).answer).toBe('This button is not valid here; nothing was done.');
  });

  it('an update delivered twice (long polling after a restart) is taken in once', async () => {
    const h = await startHarness();
    const update = h.api.userSays(ADMIN_ID, '/count');
    await h.api.until(() => h.api.sent.length === 1);
    await h.tg.settled();
    const before = h.api.sent.length;
    await h.tg.bot.handleUpdate(update);
    await h.tg.settled();
    expect(h.api.sent.length).toBe(before);
    expect(
      createRepositories(h.deps.db)
        .audit.recent(10)
        .filter((a) => a.what === 'command.count'),
    ).toHaveLength(1);
  });

  it('every command is audited with the user, its arguments and its outcome', async () => {
    const h = await startHarness();
    await h.ask(ADMIN_ID, '/trades 3');
    await h.ask(VIEWER_ID, '/kill');
    await h.ask(ADMIN_ID, '/nope');
    const rows = createRepositories(h.deps.db)
      .audit.recent(10)
      .reverse()
      .map((a) => [a.who, a.what, a.details]);
    expect(rows).toEqual([
      ['telegram:1', 'command.trades', { args: ['3'], confirmed: false, outcome: 'done' }],
      ['telegram:2', 'command.kill', { args: [], confirmed: false, outcome: 'forbidden' }],
      ['telegram:1', 'command.nope', { args: [], confirmed: false, outcome: 'unknown' }],
    ]);
  });
});
