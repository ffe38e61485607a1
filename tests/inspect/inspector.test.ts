/**
 * Issue 21, done-when: a WebSocket client on the `--inspect` endpoint during a simulated run (paper mode,
 * a churning strategy) sees the live tree — the supervisor's children by readable ids — a position's
 * lifecycle and a breaker transition, in the Stately inspector's own message format; every actor and every
 * event in the stream is named readably (no `xstate.done.actor.0`), and no configured secret value leaves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { WebSocket } from 'ws';
import type { Db } from '../../src/db/index.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { isReadableActorId, startInspector, type InspectorEndpoint } from '../../src/inspect/index.ts';
import { actorOfEvent } from '../../src/inspect/naming.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { churnTemplate, copyTemplate } from '../integration/fixtures/churn-db.ts';

/** Long enough to be scrubbed by value (the logger's rule), and shaped like a Kraken secret. */
const SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';

interface Message {
  type: string;
  name?: string;
  sessionId: string;
  parentId?: string;
  _version: string;
  event?: { type: string };
  snapshot?: { value?: unknown; status?: string };
}

let root: string;
let template: Db;
let replay: Replay;
let inspector: InspectorEndpoint;
let client: WebSocket;
const raw: string[] = [];
const messages: Message[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'brain-inspect-'));
  template = await churnTemplate(root);
  copyTemplate(template, root);
  const log = createLogger({ level: 'silent' });
  // The viewer must see everything here: the daemon's drop-when-slow bounds are lifted for this test, and
  // the test checks that nothing was dropped (a loaded CI machine once dropped the last snapshot and the
  // wait below never ended).
  inspector = await startInspector({
    port: 0,
    secrets: [SECRET],
    now: () => replay?.sim.clock.now() ?? 0,
    log,
    queueLimit: Number.POSITIVE_INFINITY,
    slowViewerBytes: Number.POSITIVE_INFINITY,
  });
  replay = await startReplay({
    workDir: root,
    repoRoot: PROJECT_ROOT,
    log,
    pairs: ['BTC/USD', 'ETH/USD'],
    days: 0.25,
    warmupDays: 0.5,
    inspector,
    settings: { risk: { maxConsecutiveLosses: 100, dailyLossFraction: 1, maxDrawdownFraction: 1, reducingDrawdownFraction: 0.99 } },
  });
  client = new WebSocket(inspector.wsUrl);
  client.on('message', (data) => {
    raw.push(String(data));
    messages.push(JSON.parse(String(data)) as Message);
  });
  await new Promise((resolve) => client.once('open', resolve));
  await replay.run();
  // A failure report carrying the key, as an error message might: it reaches the supervisor and its alert.
  replay.daemon.actor.send({
    type: 'strategy.swapFailed',
    versionId: 'v9',
    error: { code: 'kraken.auth', message: `venue said EAPI:Invalid key for ${SECRET}`, retryable: false },
  });
  // The breaker halts at once (the supervisor then waits for the positions' market exits, which need prices the finished replay no longer sends).
  replay.daemon.actor.send({ type: 'supervisor.emergencyStop', by: 'test' });
  await waitFor(replay.daemon.actor, (s) => s.context.breaker === 'halted', { timeout: 10_000 });
  // Everything the daemon did is on the wire once the stream has drained: every event queued was sent.
  await drained();
}, 240_000);

/** Resolves when the halted snapshot has arrived; fails naming the counts if it never does (no silent hang). */
async function drained(): Promise<void> {
  while (!messages.some((m) => m.type === '@xstate.snapshot' && m.snapshot?.value === 'halted')) {
    expect(inspector.stats().dropped, 'inspection events dropped').toBe(0);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('message', next);
        reject(new Error(`no halted snapshot: the viewer received ${messages.length} of ${inspector.stats().sent} messages sent`));
      }, 30_000);
      const next = (): void => {
        clearTimeout(timer);
        resolve();
      };
      client.once('message', next);
    });
  }
  expect(inspector.stats().dropped, 'inspection events dropped').toBe(0);
}

afterAll(async () => {
  client?.close();
  await replay?.close();
  await inspector?.close();
  template?.close();
  rmSync(root, { recursive: true, force: true });
});

const actorsNamed = (pred: (name: string) => boolean) => messages.filter((m) => m.type === '@xstate.actor' && pred(m.name ?? ''));

describe('the inspector endpoint during a simulated run', () => {
  it('shows the supervisor and its children by readable ids, as Stately inspector messages', () => {
    const supervisor = actorsNamed((n) => n === 'supervisor')[0]!;
    expect(supervisor).toBeDefined();
    for (const id of ['connection.public', 'scanner-BTC/USD', 'scanner-ETH/USD', 'breaker', 'venueWatch', 'journal']) {
      expect(
        actorsNamed((n) => n === id).map((m) => m.parentId),
        id,
      ).toContain(supervisor.sessionId);
    }
    for (const m of messages) expect(typeof m._version).toBe('string');
  });

  it('follows a position from its spawn through its entry to its close', () => {
    const positions = actorsNamed((n) => /^P[a-z0-9]+$/.test(n));
    expect(positions.length).toBeGreaterThan(0);
    const closed = positions.find((p) => messages.some((m) => m.sessionId === p.sessionId && m.type === '@xstate.snapshot' && m.snapshot?.value === 'closed'))!;
    expect(closed, 'a position that closed').toBeDefined();
    const values = messages.filter((m) => m.sessionId === closed.sessionId && m.type === '@xstate.snapshot').map((m) => JSON.stringify(m.snapshot!.value));
    const first = (prefix: string) => values.findIndex((v) => v.startsWith(prefix));
    expect(first('{"pendingEntry"')).toBeGreaterThanOrEqual(0);
    expect(first('"open"')).toBeGreaterThan(first('{"pendingEntry"'));
    expect(first('"closed"')).toBeGreaterThan(first('"open"'));
  });

  it('shows the breaker moving to halted on an emergency stop', () => {
    const breaker = actorsNamed((n) => n === 'breaker')[0]!;
    const values = messages.filter((m) => m.sessionId === breaker.sessionId && m.type === '@xstate.snapshot').map((m) => m.snapshot!.value);
    expect(values).toContain('halted');
    expect(messages.some((m) => m.sessionId === breaker.sessionId && m.type === '@xstate.event' && m.event?.type === 'breaker.halt')).toBe(true);
  });

  it('names every actor and every done/error event readably (no ids XState made up)', () => {
    const names = new Set(messages.filter((m) => m.type === '@xstate.actor').map((m) => m.name));
    expect([...names].filter((n) => !isReadableActorId(n))).toEqual([]);
    const anonymous = messages
      .filter((m) => m.type === '@xstate.event')
      .map((m) => actorOfEvent(m.event!.type))
      .filter((id) => id !== null && !isReadableActorId(id));
    expect([...new Set(anonymous)]).toEqual([]);
  });

  it('never sends a configured secret value: the event and the alert carrying it arrive redacted', () => {
    expect(raw.filter((r) => r.includes(SECRET))).toEqual([]);
    const failure = messages.find((m) => m.type === '@xstate.event' && m.event?.type === 'strategy.swapFailed');
    expect(JSON.stringify(failure)).toContain('venue said EAPI:Invalid key for [Redacted]');
  });
});
