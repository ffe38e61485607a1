/**
 * One way to deploy and roll back, and it reaches a running daemon as an event: `brain promote` /
 * `brain rollback` (the CLI, another process's door) go over the control socket to the daemon's
 * console, whose evolution port sends strategy.deploy / strategy.rollback to the supervisor; the live
 * host hot-swaps and the scanners use the new version from the next candle — nothing polls the pointer.
 * With the daemon stopped the same commands work on the database under the lock, for the next start.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { attachConsole, type Console } from '../../src/daemon/console.ts';
import { daemonEvolutionPort } from '../../src/daemon/evolution.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { openDatabase } from '../../src/db/index.ts';
import type { VersionRecord } from '../../src/db/versions.repo.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { fakeIo } from '../cli/fake-io.ts';

let workDir: string;
let replay: Replay;
let operatorConsole: Console;
let v001: string;
let v002: VersionRecord;

const dbPath = () => join(workDir, 'brain.db');
async function brain(...args: string[]) {
  const io = fakeIo();
  const code = await main([...args, '--db', dbPath(), '--set', `control.socketPath=${join(workDir, 'brain.sock')}`], io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-deploy-socket-'));
  const log = createLogger({ level: 'silent' });
  replay = await startReplay({ workDir, repoRoot: PROJECT_ROOT, log, pairs: ['BTC/USD', 'ETH/USD'], days: 0.2 });
  const { daemon, config } = replay;
  const evolution = daemonEvolutionPort({
    daemon,
    config,
    log,
    dbPath: dbPath(),
    repoRoot: PROJECT_ROOT,
    filesRoot: workDir,
    clock: systemClock,
    announce: () => undefined,
  });
  operatorConsole = attachConsole({ daemon, config, log, clock: systemClock, dbPath: dbPath(), socketPath: join(workDir, 'brain.sock'), evolution });
  await operatorConsole.ready;
  await replay.sim.advance(300_000);
  const store = daemon.runtime.versions!;
  v001 = store.repo.active('strategy')!.versionId;
  const source = readFileSync(join(PROJECT_ROOT, 'strategy/active/strategy.ts'), 'utf8').replace("version: 'v001'", "version: 'v002'");
  const stored = await store.submit({ kind: 'strategy', name: 'strategy', source, author: { kind: 'human' }, parentId: v001 });
  if (!stored.ok) throw new Error('v002 did not pass the gates');
  v002 = stored.version;
}, 240_000);

afterAll(async () => {
  await operatorConsole?.close('test end');
  await replay?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('brain promote and brain rollback with the daemon running', () => {
  it('an untested version is refused over the socket, nothing changes', async () => {
    const r = await brain('promote', v002.label);
    expect(r.code).toBe(EXIT.failure);
    expect(r.err).toMatch(/has not passed the pipeline .* nothing was deployed\. Add force/);
    expect(replay.daemon.runtime.strategyVersion).toBe(v001);
  });

  it('--force reaches the supervisor as strategy.deploy: the live host swaps and the scanners use it from the next candle', async () => {
    const activated = new Promise((resolve) => replay.daemon.actor.on('strategy.activated', resolve));
    const r = await brain('promote', v002.label, '--force');
    expect(r.out).toContain(`${v002.label} ${v002.id} is live: the scanners switch at their next candle (was ${v001})`);
    expect(await activated).toMatchObject({ versionId: v002.id, kind: 'deploy', from: v001, by: expect.stringMatching(/^cli:/) });
    expect(replay.daemon.runtime.strategyVersion).toBe(v002.id);
    const from = replay.daemon.actor.getSnapshot().context.now;
    await replay.run();
    const scanned = replay.daemon.runtime
      .db!.prepare('SELECT DISTINCT strategy_version AS v FROM scan_results WHERE candle_time >= ?')
      .all<{ v: string }>([from]);
    expect(scanned.map((x) => x.v)).toEqual([v002.id]);
  }, 120_000);

  it('brain rollback reaches it as strategy.rollback and the parent trades again', async () => {
    const r = await brain('rollback');
    expect(r.out).toContain(`strategy rolled back from ${v002.id} to v001 ${v001}: the scanners switch at their next candle.`);
    expect(replay.daemon.runtime.strategyVersion).toBe(v001);
  }, 120_000);
});

describe('with the daemon stopped', () => {
  it('the same command moves the pointer in the database under the lock; the next start runs it', async () => {
    await operatorConsole.close('test');
    await replay.close();
    const r = await brain('promote', v002.id, '--force');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain(`${v002.label} ${v002.id} is the active strategy in the database: the daemon starts it at its next boot`);
    const db = openDatabase({ path: dbPath(), readonly: true });
    expect(db.prepare("SELECT version_id FROM active_versions WHERE slot = 'strategy'").get<{ version_id: string }>()?.version_id).toBe(v002.id);
    db.close();
  }, 120_000);
});
