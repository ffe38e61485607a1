/**
 * The health endpoint on a daemon replaying the simulator (paper mode, simulated clock): /readyz flips to
 * 503 naming the feed when the public WebSocket stalls past health.feedStaleSeconds of market time and
 * back to 200 when it resumes; /livez stays 200 through it (no dependency checks); /metrics is valid
 * Prometheus text (checked by an independent parser) and counts what the daemon did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat, { type ParsedMetric } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backupDatabase } from '../../src/backup/backup.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { startHealth, type Health } from '../../src/health/index.ts';
import type { ComponentHealth } from '../../src/health/readiness.ts';
import { createLogger } from '../../src/log/index.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STEP = 300_000;
let replay: Replay;
let health: Health;
let workDir: string;
/** The Telegram webhook's verdict as the console would give it (null: long polling, no check). */
let webhook: ComponentHealth | null = null;

const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${health.port}${path}`);
  return { code: res.status, type: res.headers.get('content-type'), body: await res.text() };
};
const readyz = async () => {
  const r = await get('/readyz');
  return {
    code: r.code,
    body: JSON.parse(r.body) as { status: string; failing: string[]; checks: Record<string, { status: string; detail: string; took_ms: number }> },
  };
};
const sample = (metrics: ParsedMetric[], name: string, labels: Record<string, string> = {}) =>
  Number(metrics.find((m) => m.name === name)?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value ?? Number.NaN);

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-health-'));
  const log = createLogger({ level: 'silent', pretty: false, secrets: [] });
  replay = await startReplay({ workDir, repoRoot: REPO_ROOT, log, pairs: ['BTC/USD', 'ETH/USD'], days: 0.5, settings: { health: { feedStaleSeconds: 600 } } });
  // A backup from before this start: the backup gauge starts from it, not from 0.
  backupDatabase({ db: replay.daemon.runtime.db!, dir: join(workDir, 'data', 'backups'), keep: 2, now: replay.sim.clock.now() });
  health = await startHealth({
    daemon: replay.daemon,
    config: replay.config,
    clock: replay.sim.clock,
    filesRoot: workDir,
    log,
    env: {},
    port: 0,
    telegram: () => webhook,
  });
}, 240_000);

afterAll(async () => {
  await health?.close();
  await replay?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the health endpoint on a running daemon', () => {
  it('listens on loopback only and answers /readyz 200 with every check timed', async () => {
    expect(health.port).toBeGreaterThan(0);
    await replay.sim.advance(STEP);
    await vi.waitFor(async () => expect((await readyz()).code).toBe(200), { timeout: 10_000 });
    const { body } = await readyz();
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks)).toEqual(['database', 'feed', 'reconciliation', 'breaker']);
    for (const c of Object.values(body.checks)) expect(c).toMatchObject({ status: 'pass', took_ms: expect.any(Number) });
  });

  it('/readyz turns 503 naming the feed when the market WebSocket stalls past the limit, and 200 when it resumes; /livez stays 200', async () => {
    replay.sim.faults.stallWs('public');
    await replay.sim.advance(2 * STEP);
    expect((await readyz()).code).toBe(200);
    await replay.sim.advance(STEP);
    const stale = await readyz();
    expect(stale.code).toBe(503);
    expect(stale.body.failing).toEqual(['feed']);
    expect(stale.body.checks['feed']!.detail).toMatch(/^no market update for \d+ s \(limit 600 s\): the feed is stale$/);
    expect((await get('/livez')).code).toBe(200);
    replay.sim.faults.resumeWs('public');
    await replay.sim.advance(STEP);
    // The line's stale and dead delays run on the daemon's clock: silent that long, it was dropped, and it
    // reconnects after its first backoff (at most a second); then time goes back onto the replay's candle grid.
    await replay.sim.advance(1_000);
    await vi.waitFor(async () => expect((await readyz()).code).toBe(200), { timeout: 10_000 });
    await replay.sim.advance(STEP - 1_000);
  });

  it('/metrics is valid Prometheus text with the daemon series and the process defaults', async () => {
    await replay.run();
    const r = await get('/metrics');
    expect(r.code).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheusTextFormat(r.body);
    const names = metrics.map((m) => m.name);
    for (const name of [
      'tb_candles_total',
      'tb_scan_duration_seconds',
      'tb_intents_total',
      'tb_intent_rejections_total',
      'tb_orders_total',
      'tb_fills_total',
      'tb_feed_reconnects_total',
      'tb_breaker_level',
      'tb_equity_usd',
      'tb_model_tokens_total',
      'tb_model_cost_usd_total',
      'tb_model_calls_total',
      'tb_evolver_candidates_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(sample(metrics, 'tb_candles_total', { pair: 'BTC/USD' })).toBeGreaterThan(100);
    const scans = metrics.find((m) => m.name === 'tb_scan_duration_seconds')!.metrics[0]!;
    expect(Number(scans.count)).toBeGreaterThan(200);
    expect(sample(metrics, 'tb_breaker_level')).toBe(0);
    expect(sample(metrics, 'tb_equity_usd')).toBeGreaterThan(9_000);
    expect(sample(metrics, 'tb_model_tokens_total', { kind: 'input' })).toBe(0);
    expect(sample(metrics, 'tb_backup_last_success_timestamp_seconds')).toBeGreaterThan(Date.UTC(2020, 0, 1) / 1000);
    expect(metrics.find((m) => m.name === 'tb_model_tokens_total')!.help).toContain('token_usage table');
  }, 240_000);

  it('counts the orders the positions sent and the fills the supervisor booked', async () => {
    const fills = replay.daemon.runtime.repos!.fills.inRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const metrics = parsePrometheusTextFormat((await get('/metrics')).body);
    const counted = (name: string) => metrics.find((m) => m.name === name)!.metrics.reduce((s, x) => s + Number(x.value), 0);
    expect(counted('tb_fills_total')).toBe(fills.length);
    expect(counted('tb_orders_total')).toBeGreaterThanOrEqual(fills.length > 0 ? 1 : 0);
    expect(counted('tb_intents_total')).toBeGreaterThanOrEqual(counted('tb_orders_total'));
  });

  it('/readyz shows a deaf Telegram webhook as a degraded telegram check, still 200', async () => {
    webhook = { status: 'degraded', code: 'telegram.webhook_undeliverable', detail: 'Telegram cannot deliver updates: "Connection refused"', checkedAt: 1 };
    const r = await get('/readyz');
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      status: 'ready',
      degraded: ['telegram'],
      checks: { telegram: { status: 'degraded', code: 'telegram.webhook_undeliverable', detail: 'Telegram cannot deliver updates: "Connection refused"' } },
    });
    webhook = null;
  });

  it('answers 404 naming the paths for anything else, and 405 to a POST', async () => {
    const r = await get('/nope');
    expect(r.code).toBe(404);
    expect(JSON.parse(r.body)).toEqual({ error: 'no such path /nope', paths: ['/livez', '/readyz', '/metrics'] });
    expect((await fetch(`http://127.0.0.1:${health.port}/livez`, { method: 'POST' })).status).toBe(405);
  });
});
