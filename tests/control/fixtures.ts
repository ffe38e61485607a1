/**
 * Fixtures for the command layer: a migrated in-memory database, the built-in config with test users,
 * a SimulatedClock, and ControlDeps around an optional supervisor port; `run` executes one operation
 * the way Telegram and the CLI do and returns its reply as plain text.
 */
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../src/clock/clock.ts';
import { ConfigSchema, type Config } from '../../src/config/index.ts';
import { execute, type Execution } from '../../src/control/execute.ts';
import type { Caller, ControlDeps } from '../../src/control/operation.ts';
import { replyText } from '../../src/control/reply.ts';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { afterEach } from 'vitest';

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

export const ADMIN: Caller = { who: 'telegram:1', role: 'admin' };
export const VIEWER: Caller = { who: 'telegram:2', role: 'viewer' };

export function testConfig(over: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({ pairs: ['BTC/USD', 'ETH/USD'], telegram: { admins: [1], viewers: [2] }, control: { timeoutSeconds: 5 }, ...over });
}

export function controlDeps(over: Partial<ControlDeps> = {}, clock?: Clock): ControlDeps & { db: Db; clock: Clock } {
  const db = openDatabase({ path: ':memory:', now: () => 0 });
  open.push(db);
  const sim = new SimulatedClock();
  sim.set(Date.UTC(2025, 0, 6, 12));
  return {
    config: testConfig(),
    clock: clock ?? (sim as unknown as Clock),
    db,
    supervisor: null,
    offlineBreaker: null,
    lifecycle: null,
    mode: null,
    evolution: null,
    logs: null,
    about: { version: '0.1.0', startedAt: null, pid: 1 },
    outboxBacklog: null,
    telegramWebhook: null,
    charts: null,
    ...over,
  } as ControlDeps & { db: Db; clock: Clock };
}

/** Runs `/name words…` for `caller` (confirmed unless told otherwise) and returns the execution. */
export function exec(deps: ControlDeps, line: string, caller: Caller = ADMIN, confirmed = true): Promise<Execution> {
  const [name, ...words] = line.trim().split(/\s+/);
  return execute(deps, { name: name!.replace(/^\//, ''), words, caller, confirmed });
}

/** The reply text of `/name words…` (throws when it asks for a confirmation instead). */
export async function run(deps: ControlDeps, line: string, caller: Caller = ADMIN): Promise<string> {
  const e = await exec(deps, line, caller);
  if (e.kind !== 'reply') throw new Error(`${line} asked for a confirmation`);
  return replyText(e.reply);
}
