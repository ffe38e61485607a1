/**
 * Every command through the loopback Bot API, as the operator types it, with the reply checked: the
 * read commands against a seeded database and a running supervisor holding one BTC position; the
 * control commands that need no confirmation change the supervisor by event. The confirmations of the
 * dangerous ones are in confirm.test.ts, bad input in access.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { operations } from '../../src/control/registry.ts';
import { LogTail } from '../../src/log/index.ts';
import { chartRenderer } from '../../src/telegram/charts/render.ts';
import { seedWorld } from '../control/world.ts';
import { startSupervisor } from '../machines/supervisor.fixtures.ts';
import { ADMIN_ID, startHarness, texts, VIEWER_ID, type Harness } from './harness.ts';

async function world(): Promise<{ h: Harness; s: ReturnType<typeof startSupervisor> }> {
  const s = startSupervisor();
  await s.running();
  await s.openPosition('BTC/USD', 100);
  const logs = new LogTail();
  logs.push('{"level":30,"time":"2025-01-06T11:59:00.000Z","msg":"hello from the log","component":"test"}\n');
  const h = await startHarness({ actor: s.actor, seed: (db) => seedWorld(db), deps: { logs, charts: chartRenderer() } });
  return { h, s };
}

/** Command → what its reply must contain (every pattern). */
const READS: Array<[string, RegExp[]]> = [
  ['/status', [/^Status/, /state\s+trading · paper/, /positions\s+1 of 3/, /BTC\/USD open 10 @ 100 → 100 \(-\$6\.60\)/]],
  ['/status table', [/pair\s+phase\s+qty\s+entry\s+mark\s+uP&L/, /BTC\/USD\s+open/]],
  ['/positions', [/BTC\/USD\s+open/, /stop\s+target\s+age\s+id/]],
  ['/trades', [/Last 3 trades/, /take_profit/, /stop_loss/]],
  ['/trades 2', [/Last 2 trades/]],
  ['/order p-a', [/p-a-1\s+buy\s+market/, /T-1\s+buy/]],
  ['/count', [/^1 of 3 position slots used/]],
  ['/balance', [/cash\s+\$/, /asset\s+qty\s+mark\s+value/, /BTC\/USD/]],
  ['/profit', [/Profit, all time/, /closed trades\s+3 \(2 won, 1 lost\)/, /realised P&L\s+\+\$38\.25/, /profit factor\s+4\.12\n/]],
  ['/profit 1', [/last 1 day/, /closed trades\s+1 \(1 won, 0 lost\)/]],
  ['/performance', [/BTC\/USD\s+2\s+100\.?0?%?\s+\+\$50\.50/, /ETH\/USD\s+1/]],
  ['/daily', [/Daily P&L/, /2025-01-05/, /2024-12-30/]],
  ['/weekly', [/Weekly P&L/, /2024-12-30/]],
  ['/monthly 2', [/Monthly P&L/, /2025-01/, /2024-12/]],
  ['/stats', [/Stats by exit reason/, /take_profit\s+1\s+1\s+0/]],
  ['/signals', [/Last 2 signals/, /rejected\s+max_open_positions/]],
  ['/pairs', [/BTC\/USD\s+100\s+\d/, /0\.16%\/0\.26%/, /ETH\/USD/]],
  ['/fees', [/BTC\/USD\s+0\.16%\s+0\.26%\s+venue/, /config fallback/]],
  ['/risk', [/daily loss/, /losing streak\s+0\s+5/, /open positions\s+1\s+3/]],
  ['/breaker', [/level\s+active/, /losing streak\s+0 of 5/]],
  ['/health', [/daemon\s+trading/, /telegram outbox\s+\d+ waiting/]],
  ['/version', [/trading brain\s+\d/, /strategy\s+v001/, /supervisor 1, breaker 1, position \d/]],
  ['/logs 5', [/hello from the log/]],
  ['/config', [/mode\s+paper/, /telegram\s+1 admin\(s\), 1 viewer\(s\)/, /telegramBotToken \(not set\)/]],
  ['/strategy', [/Strategy v001/, /author\s+human/, /gates\s+ast passed, types passed/]],
  ['/versions', [/\*\s+v001/, /v002\s+2222222222\s+candidate\s+model claude-opus-5-5/]],
  ['/diff v001 v002', [/Diff v001 → v002/, /- export const fast = 9;/, /\+ export const fast = 8;/]],
  ['/diff', [/v001 has no parent to compare with/]],
  ['/candidates', [/Candidates past their gates/, /abcdef012345\s+paper\s+pending\s+0\.00120\s+model\s+\+1 −1 lines/]],
  ['/ledger', [/Candidate ledger \(1 trials counted by the deflated Sharpe ratio\)/, /abcdef012345\s+paper\s+pending/]],
  ['/ledger abcdef01', [/Candidate abcdef012345/, /outcome\s+paper \/ pending/, /hypothesis\s+A faster EMA/, /oosEdge\s+passed\s+0\.00120\s+0\.00/]],
  ['/ledger 0123456', [/no candidate with content hash 0123456 in the ledger; list them with \/ledger/]],
  ['/papertests', [/pt-1\s+2222222222\s+running/]],
  ['/papertests pt-1', [/Paper test pt-1/, /against\s+sha256:1111111111111111/, /status\s+running/]],
  [
    '/night',
    [
      /Night night-2025-01-06: submitted \(strategy_tweak\)/,
      /hypothesis\s+A faster EMA/,
      /return over the 14-day holdout\s+2\.10 %\s+1\.20 %/,
      /oosEdge\s+passed/,
      /cost\s+\$0\.66/,
    ],
  ],
  ['/thoughts', [/Thoughts of night-2025-01-06/, /analysis\s+1\s+claude-sonnet-5-5\s+12000\s+900\s+\$0\.21\s+The market ranged/, /review\s+1/]],
  ['/thought analysis', [/analysis attempt 1 of night-2025-01-06 \(claude-sonnet-5-5/, /Try 8\./]],
  ['/thought review 2', [/night night-2025-01-06 has no stored review answer for attempt 2; \/thoughts night-2025-01-06 lists what it has/]],
  ['/observations', [/night\nRanging market/]],
  ['/budget', [/today\s+\$0\.21 of \$5\.00 \(4%\), 1 calls/, /claude-sonnet-5-5\s+1\s+12900\s+\$0\.21/]],
  ['/report', [/Daily report/, /equity\s+\$/, /closed trades\s+1/]],
  ['/report weekly', [/Weekly report/, /closed trades\s+3/]],
  ['/help', [/Trading Brain commands/, /\/forceexit \/fx PAIR\|all/, /\/chart equity\|drawdown\|pnl \[days\]/]],
  ['/start', [/Trading Brain commands/]],
];

describe('every read command through the Bot API', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world();
  });

  it.each(READS)('%s', async (command, patterns) => {
    const reply = texts(await w.h.ask(ADMIN_ID, command)).join('\n');
    for (const p of patterns) expect(reply).toMatch(p);
  });

  it('tables, fields and code are monospace entities; the title is bold', async () => {
    const [msg] = await w.h.ask(ADMIN_ID, '/profit');
    expect(msg!.entities.map((e) => e.type)).toEqual(['bold', 'pre']);
    expect(msg!.entities[0]).toMatchObject({ offset: 0, length: 'Profit, all time'.length });
  });

  it('/chart equity|drawdown|pnl answer with a PNG photo sent as multipart', async () => {
    for (const kind of ['equity', 'drawdown', 'pnl']) {
      const [photo] = await w.h.ask(ADMIN_ID, `/chart ${kind} 3`);
      expect(photo!.method).toBe('sendPhoto');
      expect([...photo!.photo!.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      expect(photo!.text).toMatch(/last 3 days/);
    }
  }, 60_000);

  it('a viewer reads, and /help shows a viewer which commands are admin only', async () => {
    expect(texts(await w.h.ask(VIEWER_ID, '/status')).join('')).toMatch(/state\s+trading/);
    expect(texts(await w.h.ask(VIEWER_ID, '/help')).join('')).toMatch(/\/kill — .*\(admin\)/);
  });

  it('covers every operation of the registry (this table and the control tests)', () => {
    // The evolution changes (promote, rollback, evolve, paper tests) are driven for real in evolution-console.test.ts;
    // /mode in confirm.test.ts and tests/control/mode.test.ts.
    const changes = ['promote', 'rollback', 'evolve', 'startpapertest', 'cancelpapertest'];
    const tested = new Set([
      ...READS.map(([c]) => c.split(' ')[0]!.slice(1)),
      'chart',
      'pause',
      'resume',
      'halt',
      'kill',
      'stop',
      'forceexit',
      'resetbreaker',
      'mode',
      ...changes,
    ]);
    expect(operations.map((op) => op.name).filter((n) => !tested.has(n))).toEqual([]);
  });
});

describe('the feed in /status and /health', () => {
  it('names each line that is down with the feed.* code /readyz shows, as the connections reported it', async () => {
    const s = startSupervisor({ feed: { mode: 'live' } });
    await s.running();
    const h = await startHarness({ actor: s.actor });
    const closed = { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true };
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    s.actor.send({ type: 'connection.up', endpoint: 'private' });
    expect(texts(await h.ask(ADMIN_ID, '/health')).join('\n')).toMatch(/feed\s+healthy\n/);
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: closed });
    s.actor.send({ type: 'connection.down', endpoint: 'private', error: closed });
    s.actor.send({ type: 'connection.failed', endpoint: 'private', attempts: 10, error: closed });
    const down =
      /feed\s+unhealthy: no new entries \(market line \[feed\.disconnected\] kraken\.ws_closed: socket closed \(1006\); executions line \[feed\.gave_up\] gave up after 10 reconnects/;
    expect(texts(await h.ask(ADMIN_ID, '/status')).join('\n')).toMatch(down);
    expect(texts(await h.ask(ADMIN_ID, '/health')).join('\n')).toMatch(down);
  });
});

describe('control commands without confirmation', () => {
  it('/pause stops entries and /resume lets them through again, each by one event', async () => {
    const s = startSupervisor();
    await s.running();
    const h = await startHarness({ actor: s.actor });
    expect(texts(await h.ask(ADMIN_ID, '/pause'))[0]).toMatch(/^Paused: no new entries/);
    expect(s.actor.getSnapshot().matches({ running: 'paused' })).toBe(true);
    expect((await s.signal('BTC/USD', 'buy', 100)).signal!.verdict.rejectReason).toBe('paused');
    expect(texts(await h.ask(ADMIN_ID, '/pause'))[0]).toMatch(/^Already paused/);
    expect(texts(await h.ask(ADMIN_ID, '/resume'))[0]).toBe('Trading again.');
    expect((await s.signal('BTC/USD', 'buy', 100)).signal!.verdict.outcome).toBe('acted');
  });

  it('/halt halts the breaker; a viewer may not', async () => {
    const s = startSupervisor();
    await s.running();
    const h = await startHarness({ actor: s.actor });
    expect(texts(await h.ask(VIEWER_ID, '/halt'))[0]).toMatch(/needs the admin role/);
    expect(s.actor.getSnapshot().context.breaker).toBe('active');
    expect(texts(await h.ask(ADMIN_ID, '/halt'))[0]).toMatch(/^Breaker halted/);
    expect(s.actor.getSnapshot().context.breaker).toBe('halted');
  });
});
