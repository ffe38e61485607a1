/**
 * The flake of feed-outage.test.ts, reproduced: a live replay began stepping while its executions line
 * was still connecting (a loaded machine: the token call and the handshake are real I/O), each step
 * jumped the line's connect deadline (simulated time) past, the line gave up and an outage that never
 * was got its "down" alert. A live replay now starts only once both lines are up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupervisorEmitted } from '../../machines/supervisor.machine.ts';
import type { Db } from '../../src/db/index.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { churnTemplate, copyTemplate } from './fixtures/churn-db.ts';

let root: string;
let template: Db;
let replay: Replay;
const emitted: SupervisorEmitted[] = [];
const realFetch = globalThis.fetch;
let privateUpAtStart: boolean | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'brain-replay-start-'));
  template = await churnTemplate(root);
  copyTemplate(template, root);
  // The first two WS token answers come 1.5 s of real time late, as on a machine busy with other work.
  let slowed = 0;
  globalThis.fetch = async (input, init) => {
    const res = await realFetch(input, init);
    if (slowed < 2 && String(input).endsWith('/GetWebSocketsToken')) {
      slowed += 1;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    return res;
  };
  replay = await startReplay({
    workDir: root,
    repoRoot: PROJECT_ROOT,
    log: createLogger({ level: 'silent' }),
    mode: 'live',
    pairs: ['BTC/USD'],
    days: 0.1,
    warmupDays: 0.2,
    seed: 3,
    feed: { connection: { maxAttempts: 2 } },
    onEvent: (e) => emitted.push(e),
  });
  privateUpAtStart = replay.daemon.actor.getSnapshot().context.feed?.lines.private?.up;
  for (let i = 0; i < 6; i++) await replay.step();
}, 240_000);

afterAll(async () => {
  globalThis.fetch = realFetch;
  await replay?.close();
  template?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a live replay whose executions line is slow to connect', () => {
  it('starts once the line is up, and its steps raise no outage alert', () => {
    const alerts = emitted.filter((e) => e.type === 'supervisor.alert').map((e) => (e as { message: string }).message);
    expect(alerts.filter((m) => / down: /.test(m))).toEqual([]);
    expect(privateUpAtStart).toBe(true);
  });
});
