import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/index.ts';
import { checkIsolationAtBoot, liveIsolationRefusal } from '../../src/health/isolation.ts';
import { liveness } from '../../src/health/liveness.ts';
import { createMetrics } from '../../src/health/metrics.ts';
import { newFeedState, observeDaemon } from '../../src/health/observe.ts';
import { readiness, type Readiness, type ReadinessSources, type SupervisorView } from '../../src/health/readiness.ts';
import { startHealth } from '../../src/health/index.ts';
import type { Clock } from '../../src/clock/clock.ts';
import { startSupervisor, T0 } from '../machines/supervisor.fixtures.ts';
import { testConfig } from '../control/fixtures.ts';
import { startWatchdog, watchdogIntervalMs } from '../../src/health/watchdog.ts';
import { createLogger } from '../../src/log/index.ts';

const T = Date.UTC(2026, 0, 5);
const RUNNING: SupervisorView = { state: 'running', error: null, breaker: 'active', venueHealthy: true };

function sources(over: Partial<ReadinessSources> & { view?: Partial<SupervisorView> } = {}): ReadinessSources {
  const clock = new SimulatedClock();
  clock.set(T);
  const feed = newFeedState();
  feed.lastMarketAt = T - 5_000;
  feed.up.public = true;
  const db = openDatabase({ path: ':memory:' });
  return {
    mode: 'paper',
    supervisor: () => ({ ...RUNNING, ...over.view }),
    db: () => db,
    feed,
    clock: { now: () => clock.now(), setTimeout: clock.setTimeout.bind(clock), clearTimeout: clock.clearTimeout.bind(clock) },
    feedStaleMs: 60_000,
    ...over,
  };
}

describe('readiness', () => {
  it('is ready when every check passes, and writes the probe row', () => {
    const s = sources();
    const r = readiness(s);
    expect(r).toMatchObject({ status: 'ready', failing: [] });
    expect(r.checks['feed']!.detail).toBe('last market update 5 s ago');
    expect(s.db()!.prepare('SELECT checked_at FROM health_probe').get()).toEqual({ checked_at: T });
  });

  it('is not ready while booting, after a failed boot, or with the breaker halted, naming each', () => {
    expect(readiness(sources({ view: { state: 'booting' } })).failing).toEqual(['reconciliation']);
    const lockHeld = { code: 'lock.held', message: 'lock held', retryable: false };
    expect(readiness(sources({ view: { state: 'failed', error: lockHeld } })).checks['reconciliation']).toMatchObject({
      code: 'lock.held',
      detail: 'boot failed: [lock.held] lock held',
    });
    const halted = readiness(sources({ view: { breaker: 'halted' } }));
    expect(halted.failing).toEqual(['breaker']);
    expect(readiness(sources({ view: { breaker: 'reducing' } })).checks['breaker']).toMatchObject({ status: 'pass', detail: 'reducing: entries at half size' });
  });

  it('reports an unhealthy venue or no data yet as the feed failing', () => {
    const down = sources({ view: { venueHealthy: false } });
    down.feed.reason.public = { code: 'kraken.transient', message: 'socket closed 1006', retryable: true };
    expect(readiness(down).checks['feed']).toMatchObject({
      status: 'fail',
      code: 'kraken.transient',
      detail: 'market feed down: [kraken.transient, retryable] socket closed 1006; no new entries until it is back',
    });
    const none = sources();
    none.feed.lastMarketAt = null;
    expect(readiness(none).checks['feed']).toMatchObject({ code: 'health.no_market_update', detail: 'no market update received yet' });
  });

  it('checks the private feed in live mode only', () => {
    expect(Object.keys(readiness(sources()).checks)).not.toContain('privateFeed');
    const live = sources({ mode: 'live' });
    expect(readiness(live).failing).toEqual(['privateFeed']);
    live.feed.up.private = true;
    expect(readiness(live).status).toBe('ready');
  });

  it('fails the database check with the error when the write fails, and when no database is open', () => {
    const s = sources();
    s.db()!.close();
    expect(readiness(s).checks['database']!.detail).toMatch(/^write failed: .*; check disk space and permissions of :memory:$/);
    expect(readiness(sources({ db: () => undefined })).checks['database']!.detail).toBe('database not open (booting or shutting down)');
  });
});

describe('liveness', () => {
  it('fails on a lag above the limit or a crashed supervisor, and on nothing else', () => {
    expect(liveness(30, 2000, 'active').status).toBe('alive');
    expect(liveness(2500, 2000, 'active')).toEqual({ status: 'stuck', eventLoopLagMs: 2500, limitMs: 2000, supervisor: 'active' });
    expect(liveness(30, 2000, 'error').status).toBe('stuck');
    expect(liveness(30, 2000, 'done').status).toBe('alive');
  });
});

describe('the systemd watchdog', () => {
  afterEach(() => vi.useRealTimers());

  it('pings at half of WATCHDOG_USEC while alive, stays silent while stuck, and says READY and STOPPING', () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    let alive = true;
    const interval = watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42);
    expect(interval).toBe(15_000);
    const w = startWatchdog({ notify: (l) => sent.push([...l]), intervalMs: interval, alive: () => alive, status: () => 'paper: ready', pid: 42 });
    w.ready();
    vi.advanceTimersByTime(15_000);
    alive = false;
    vi.advanceTimersByTime(45_000);
    w.stopping();
    w.stop();
    expect(sent).toEqual([
      ['--pid=42', 'READY=1', 'STATUS=paper: ready'],
      ['WATCHDOG=1', 'STATUS=paper: ready'],
      ['STOPPING=1', 'STATUS=stopping'],
    ]);
  });

  it('has no watchdog without WATCHDOG_USEC, or when systemd meant another pid', () => {
    expect(watchdogIntervalMs({}, 42)).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42)).toBeNull();
  });
});

describe('sandbox isolation at boot', () => {
  const noNamespaces = { denoPermissions: true, prlimit: true, namespaces: false, uidDrop: false } as const;
  const live = { mode: 'live' as const, isolation: { requireNamespacesInLive: true } };

  it('refuses live mode without the namespace layer, saying why and how to fix it', () => {
    const msg = liveIsolationRefusal(live, noNamespaces);
    expect(msg).toMatch(/^live mode refused: the strategy sandbox cannot put its children in their own user and network namespace here/);
    expect(msg).toContain('deploy/seccomp-brain.json');
    expect(msg).toContain('--set isolation.requireNamespacesInLive=false');
  });

  it('lets paper mode, an explicit opt-out, or a host with namespaces through', () => {
    expect(liveIsolationRefusal({ ...live, mode: 'paper' }, noNamespaces)).toBeNull();
    expect(liveIsolationRefusal({ ...live, isolation: { requireNamespacesInLive: false } }, noNamespaces)).toBeNull();
    expect(liveIsolationRefusal(live, { ...noNamespaces, namespaces: true })).toBeNull();
  });

  it('logs the layers it found', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', pretty: false, destination: { write: (l: string) => lines.push(l) }, secrets: [] });
    expect(checkIsolationAtBoot(live, () => ({ unshare: true, dropUid: true }), log)).toBeNull();
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'sandbox isolation: Deno permissions, prlimit, uid drop, user+network namespace',
      layers: { namespaces: true, uidDrop: true },
    });
  });
});

describe('the health observer started after the daemon', () => {
  it('takes the lines the supervisor already knows, instead of calling a connected line down until it reports again', () => {
    const lines = { public: { up: true, reason: null }, private: { up: true, reason: null } };
    const none = { unsubscribe: () => undefined };
    const actor = { getSnapshot: () => ({ context: { feed: { lines } } }), on: () => none, system: { inspect: () => none } } as unknown as Parameters<
      typeof observeDaemon
    >[0];
    const feed = newFeedState();
    const metrics = createMetrics({ daemon: () => null } as unknown as Parameters<typeof createMetrics>[0]);
    observeDaemon(actor, metrics, feed, { now: () => T, setTimeout, clearTimeout } as never)();
    expect(feed.up).toEqual({ public: true, private: true });
    expect(readiness(sources({ mode: 'live', feed: { ...feed, lastMarketAt: T - 5_000 } })).failing).toEqual([]);
  });
});

describe('/readyz from the feed lines as the supervisor hears them', () => {
  it("a line dropped by its connection fails its check with the line's closed feed.* code (503), and passes once it is back (200)", async () => {
    const s = startSupervisor({ feed: { mode: 'live' } });
    await s.running();
    const db = openDatabase({ path: ':memory:' });
    const health = await startHealth({
      daemon: { actor: s.actor, runtime: { db } as never, done: new Promise(() => undefined) },
      config: { ...testConfig(), mode: 'live' },
      clock: s.clock as unknown as Clock,
      log: createLogger({ level: 'silent' }),
      env: {},
      port: 0,
    });
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${health.port}/readyz`);
      return { code: res.status, body: (await res.json()) as Readiness };
    };
    try {
      s.actor.send({ type: 'connection.up', endpoint: 'public' });
      s.actor.send({ type: 'connection.up', endpoint: 'private' });
      s.actor.send({
        type: 'feed.candle',
        pair: 'BTC/USD',
        timeframe: '5m',
        candle: { time: T0, open: 1, high: 1, low: 1, close: 1, volume: 1 },
        closed: false,
      });
      expect((await readyz()).code).toBe(200);
      s.actor.send({ type: 'connection.down', endpoint: 'public', error: { code: 'kraken.ws_timeout', message: 'timed out', retryable: true } });
      s.actor.send({ type: 'connection.down', endpoint: 'private', error: { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true } });
      const down = await readyz();
      expect(down.code).toBe(503);
      expect(down.body.failing).toEqual(['feed', 'privateFeed']);
      expect(down.body.checks['feed']).toMatchObject({
        code: 'feed.stale',
        detail: 'market feed down: [feed.stale, retryable] went silent (kraken.ws_timeout: timed out); no new entries until it is back',
      });
      expect(down.body.checks['privateFeed']).toMatchObject({
        code: 'feed.disconnected',
        detail: expect.stringContaining('kraken.ws_closed: socket closed (1006)'),
      });
      s.actor.send({
        type: 'connection.failed',
        endpoint: 'private',
        attempts: 10,
        error: { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true },
      });
      expect((await readyz()).body.checks['privateFeed']).toMatchObject({ code: 'feed.gave_up' });
      s.actor.send({ type: 'connection.up', endpoint: 'public' });
      s.actor.send({ type: 'connection.up', endpoint: 'private' });
      expect((await readyz()).code).toBe(200);
    } finally {
      await health.close();
      db.close();
    }
  });
});

describe('the telegram check', () => {
  it('is absent without a webhook, and degraded (still ready, 200) with the webhook verdict code', () => {
    expect(Object.keys(readiness(sources()).checks)).not.toContain('telegram');
    expect(Object.keys(readiness(sources({ telegram: () => null })).checks)).not.toContain('telegram');
    const deaf = { status: 'degraded', code: 'telegram.webhook_undeliverable', detail: 'Telegram cannot deliver updates', checkedAt: T } as const;
    const r = readiness(sources({ telegram: () => deaf }));
    expect(r).toMatchObject({ status: 'ready', failing: [], degraded: ['telegram'] });
    expect(r.checks['telegram']).toMatchObject({ status: 'degraded', code: 'telegram.webhook_undeliverable', detail: 'Telegram cannot deliver updates' });
  });
});
