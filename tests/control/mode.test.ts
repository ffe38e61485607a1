/**
 * /mode: anyone sees the running mode and the layer that set it; an admin's switch is refused, with
 * nothing recorded, when live lacks the Kraken keys, when a --mode flag pins the mode, when positions are
 * open or nothing would change; otherwise it is recorded and the daemon asked to restart. At boot the
 * newest recorded request is a layer above the environment and below the flags.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modePort } from '../../src/control/mode-port.ts';
import type { ControlDeps } from '../../src/control/operation.ts';
import type { ModePort } from '../../src/control/ports.ts';
import { bootConfig } from '../../src/daemon/boot-config.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { modeRequestsRepo } from '../../src/db/mode-requests.repo.ts';
import { workDir } from '../config/fixtures.ts';
import { ADMIN, controlDeps, exec, run, testConfig, VIEWER } from './fixtures.ts';

const OPEN_POSITION = {
  id: 'p-open',
  pair: 'BTC/USD',
  status: 'open',
  quantity: 0.5,
  entryPrice: 100,
  entryFees: 0.4,
  exitFees: 0,
  realizedPnl: 0,
  stopLoss: 90,
  takeProfit: 120,
  strategyVersion: 'v001',
  openedAt: 0,
  closedAt: null,
  exitReason: null,
} as const;
const NAMESPACES = () => ({ unshare: true, dropUid: false });
const KEYS = { krakenApiKey: 'test-key', krakenApiSecret: 'c2VjcmV0' };

function world(o: { running?: ModePort['running']; keys?: boolean; namespaces?: boolean } = {}) {
  const restarts: string[] = [];
  const deps = controlDeps({
    config: testConfig(o.keys === false ? {} : { secrets: KEYS }),
    lifecycle: { requestStop: () => undefined, requestRestart: (by) => void restarts.push(by) },
  });
  deps.mode = modePort({
    running: o.running === undefined ? { mode: 'paper', source: 'config/settings.toml' } : o.running,
    read: deps.db,
    clock: deps.clock,
    isolation: deps.config.isolation,
    probe: () => ({ unshare: o.namespaces ?? true, dropUid: false }),
    write: (use) => use(modeRequestsRepo(deps.db)),
  });
  const recorded = () => modeRequestsRepo(deps.db).latest();
  return { deps: deps as ControlDeps & typeof deps, restarts, recorded };
}

describe('/mode', () => {
  it('shows anyone the running mode, the layer that set it and the recorded request', async () => {
    const w = world();
    const shown = await run(w.deps, '/mode', VIEWER);
    expect(shown).toMatch(/running\s+paper \(set by config\/settings\.toml\)/);
    expect(shown).toMatch(/recorded request\s+none/);
  });

  it('a viewer cannot switch: forbidden, nothing recorded', async () => {
    const w = world();
    expect(await run(w.deps, '/mode live', VIEWER)).toMatch(/^\/mode live needs the admin role/);
    expect(w.recorded()).toBeNull();
  });

  it('asks for a confirmation that names real money, then records the request and asks for a restart', async () => {
    const w = world();
    const asked = await exec(w.deps, '/mode live', ADMIN, false);
    expect(asked.kind === 'confirm' && asked.question).toMatch(/^Switch to LIVE trading: real orders with real money/);
    expect(await run(w.deps, '/mode live')).toMatch(/^Recorded: live mode\. Restarting now/);
    expect(w.recorded()).toMatchObject({ mode: 'live', requestedBy: 'telegram:1' });
    expect(w.restarts).toEqual(['telegram:1']);
    expect(await run(w.deps, '/mode', VIEWER)).toMatch(/recorded request\s+live by telegram:1/);
  });

  it('live without the Kraken keys is refused clearly before any question, and nothing changes', async () => {
    const w = world({ keys: false });
    const e = await exec(w.deps, '/mode live', ADMIN, false);
    expect(e.kind).toBe('reply');
    const text = await run(w.deps, '/mode live');
    expect(text).toBe(
      "Live mode needs KRAKEN_API_KEY and KRAKEN_API_SECRET in the daemon's environment or .env; KRAKEN_API_KEY and KRAKEN_API_SECRET are not set. Nothing was changed: the daemon stays in paper mode.",
    );
    expect(w.recorded()).toBeNull();
    expect(w.restarts).toEqual([]);
  });

  it('live on a host where the boot would refuse it (no namespace layer for the sandbox) is refused now, nothing changed', async () => {
    const w = world({ namespaces: false });
    expect(await run(w.deps, '/mode live')).toMatch(
      /^Live mode would be refused at the restart: the strategy sandbox cannot put its children in their own user and network namespace here .*Nothing was changed: the daemon stays in paper mode\.$/s,
    );
    expect(w.recorded()).toBeNull();
  });

  it('refuses when a --mode flag pins the mode, when nothing would change, and with positions open', async () => {
    const pinned = world({ running: { mode: 'paper', source: 'flag --mode' } });
    expect(await run(pinned.deps, '/mode live')).toMatch(/from flag --mode, and a flag wins over a recorded request/);
    const same = world();
    expect(await run(same.deps, '/mode paper')).toBe('Already paper mode (set by config/settings.toml). Nothing was changed.');
    const holding = world();
    createRepositories(holding.deps.db).positions.save({ ...OPEN_POSITION });
    expect(await run(holding.deps, '/mode live')).toMatch(/^1 position is open \(BTC\/USD\): a position belongs to the mode that opened it\. Close them first/);
    for (const w of [pinned, same, holding]) expect(w.recorded()).toBeNull();
  });

  it('without a daemon (brain ctl on a stopped one) records the request for the next start', async () => {
    const w = world({ running: null });
    w.deps.lifecycle = null;
    expect(await run(w.deps, '/mode live')).toMatch(/^Recorded: live mode from the next start of the daemon/);
    expect(w.recorded()?.mode).toBe('live');
  });
});

describe('/mode config clears the recorded request', () => {
  const onRequest = { mode: 'live' as const, source: 'request by telegram:1 at 2026-12-05T23:50:00.000Z (/mode)' };

  it('records the clearing as a row of its own and restarts a daemon that runs on the request', async () => {
    const w = world({ running: onRequest });
    modeRequestsRepo(w.deps.db).record('live', 'telegram:1', 0);
    const asked = await exec(w.deps, '/mode config', ADMIN, false);
    expect(asked.kind === 'confirm' && asked.question).toBe(
      'Clear the recorded mode so the configuration (settings.toml < environment < flags) decides again? The daemon restarts now.',
    );
    expect(await run(w.deps, '/mode config')).toMatch(/^Cleared: the recorded request no longer applies\. Restarting now/);
    expect(w.recorded()).toMatchObject({ mode: 'config', requestedBy: 'telegram:1' });
    expect(w.restarts).toEqual(['telegram:1']);
    expect(await run(w.deps, '/mode', VIEWER)).toMatch(/recorded request\s+none: cleared by telegram:1 at .* \(the config decides\)/);
  });

  it('a daemon not running on the request (or none at all) is not restarted: the clearing applies at the next start', async () => {
    const w = world();
    modeRequestsRepo(w.deps.db).record('live', 'telegram:1', 0);
    expect(await run(w.deps, '/mode config')).toMatch(/^Cleared \(.*, by telegram:1\): from the next start the configuration decides the mode\.$/);
    expect(w.restarts).toEqual([]);
  });

  it('refuses with nothing to clear, and with positions open while the daemon runs on the request', async () => {
    const none = world();
    expect(await run(none.deps, '/mode config')).toBe('No request is recorded: the configuration decides the mode already. Nothing was changed.');
    expect(none.recorded()).toBeNull();
    const holding = world({ running: onRequest });
    modeRequestsRepo(holding.deps.db).record('live', 'telegram:1', 0);
    createRepositories(holding.deps.db).positions.save({ ...OPEN_POSITION });
    expect(await run(holding.deps, '/mode config')).toMatch(/^1 position is open \(BTC\/USD\)/);
    expect(holding.recorded()?.mode).toBe('live');
    expect(holding.restarts).toEqual([]);
  });

  it('at boot a cleared request is no layer: the configuration decides', () => {
    const cwd = workDir({});
    const db = openDatabase({ path: join(cwd, 'data', 'brain.db') });
    modeRequestsRepo(db).record('live', 'telegram:1', 1);
    modeRequestsRepo(db).record('config', 'telegram:1', 2);
    db.close();
    const b = bootConfig({ env: { BRAIN_MODE: 'paper' }, cwd }, NAMESPACES);
    expect(b).toEqual({ config: expect.objectContaining({ mode: 'paper' }), modeSource: 'env BRAIN_MODE', skipped: null });
  });
});

describe('boot applies the recorded mode', () => {
  const setup = (mode: 'paper' | 'live') => {
    const cwd = workDir({});
    const db = openDatabase({ path: join(cwd, 'data', 'brain.db') });
    modeRequestsRepo(db).record(mode, 'telegram:1', Date.UTC(2026, 11, 5, 23, 50));
    db.close();
    return cwd;
  };
  const keys = { KRAKEN_API_KEY: 'test-key', KRAKEN_API_SECRET: 'c2VjcmV0' };

  it('above the environment, naming who recorded it', () => {
    const b = bootConfig({ env: { ...keys, BRAIN_MODE: 'paper' }, cwd: setup('live') }, NAMESPACES);
    expect(b.config.mode).toBe('live');
    expect(b.modeSource).toBe('request by telegram:1 at 2026-12-05T23:50:00.000Z (/mode)');
    expect(b.skipped).toBeNull();
  });

  it('below the flags: --mode has the last word', () => {
    const b = bootConfig({ env: keys, argv: ['--mode', 'paper'], cwd: setup('live') }, NAMESPACES);
    expect(b.config.mode).toBe('paper');
    expect(b.modeSource).toBe('flag --mode');
  });

  it('a recorded live without the keys is not applied: the daemon boots as configured and says why', () => {
    const b = bootConfig({ env: {}, cwd: setup('live') });
    expect(b.config.mode).toBe('paper');
    expect(b.skipped).toMatch(/recorded request for live mode .* is not applied: KRAKEN_API_KEY and KRAKEN_API_SECRET are not both set/);
  });

  it('a recorded live the boot would refuse for the sandbox (no namespace layer) is not applied either', () => {
    const b = bootConfig({ env: keys, cwd: setup('live') }, () => ({ unshare: false, dropUid: false }));
    expect(b.config.mode).toBe('paper');
    expect(b.skipped).toMatch(/is not applied: live mode refused: the strategy sandbox cannot put its children/);
  });

  it('no database yet: the config alone decides', () => {
    const b = bootConfig({ env: { BRAIN_MODE: 'paper' }, cwd: workDir({}) });
    expect(b).toEqual({ config: expect.anything(), modeSource: 'env BRAIN_MODE', skipped: null });
  });
});
