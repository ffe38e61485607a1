/**
 * The boot steps that touch the disk and the venue, in the order the supervisor runs them:
 * openStore (the single-instance lock of the database, then the database with migrations and the Kraken
 * key's saved call counter), prepareBoot (pair table, candle
 * bootstrap by REST, the v001 seed and the strategy child, then venue reconciliation), closeStore.
 */
import type { Logger } from 'pino';
import type { BootState } from '../../machines/supervisor.machine.ts';
import type { Clock } from '../../src/clock/clock.ts';
import type { Config } from '../../src/config/index.ts';
import type { Pair } from '../../src/contract/index.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import type { KrakenClient } from '../../src/kraken/client.ts';
import { keyLeasesRepo } from '../../src/db/key-leases.repo.ts';
import { krakenRateRepo } from '../../src/db/kraken-rate.repo.ts';
import { acquirePidLock, databaseLockPath } from '../../src/lock/index.ts';
import { dbLeaseStore, krakenKeyHash, takeKeyLease, type LeaseStore } from '../../src/lock/key-lease.ts';
import { redisLeaseStore } from '../../src/lock/key-lease-redis.ts';
import { connectRedis, redactRedisUrl } from '../../src/redis/connect.ts';
import { krakenOhlcFetcher } from '../../src/market/kraken-fetcher.ts';
import { syncFromKraken } from '../../src/market/sync.ts';
import { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { LiveStrategy } from '../../src/sandbox/live.ts';
import { positionViewOf } from '../../src/sandbox/position-view.ts';
import { openVersionStore, seedInitialVersions } from '../../src/versions/seed.ts';
import type { Venue } from '../../src/trading/venue.ts';
import type { PaperVenue } from '../../src/venues/paper.ts';
import { evolutionBoot } from '../../src/daemon/evolution.ts';
import { reconcileAtBoot } from './reconcile.ts';
import { need, type Runtime } from '../../src/daemon/runtime.ts';
import { BrainError } from '../../src/contract/errors.ts';

export interface StoreDeps {
  config: Config;
  clock: Clock;
  log: Logger;
  client: KrakenClient;
  venue: Venue;
  paper: PaperVenue | null;
  rt: Runtime;
  dbPath: string;
  repoRoot: string;
  filesRoot: string;
}

/** The lock belongs to the database (two daemons on one database are impossible) and is taken before it is opened. */
export function openStore(d: StoreDeps): void {
  const lock =
    d.dbPath === ':memory:'
      ? undefined
      : acquirePidLock({
          path: databaseLockPath(d.dbPath),
          onTakeover: (stale) =>
            d.log.warn(
              { stalePid: stale.pid, lock: stale.path },
              'taking over a stale lock: the daemon that held it is gone (killed or crashed); its orders in flight are reconciled now',
            ),
        });
  try {
    d.rt.db = openDatabase({ path: d.dbPath, logger: d.log.child({ component: 'db' }) });
  } catch (err) {
    lock?.release();
    throw err;
  }
  d.rt.lock = lock;
  d.rt.repos = createRepositories(d.rt.db);
  // Kraken's call counter for this key did not restart with us: the client starts from the one it saved (rate.ts).
  const apiKey = d.config.secrets.krakenApiKey;
  if (apiKey) d.client.rest.keepRateIn(krakenRateRepo(d.rt.db, krakenKeyHash(apiKey)));
}

/**
 * Live mode only: the Kraken key's lease (src/lock/key-lease.ts) in this database, and in Redis when
 * evolution.redisUrl is set, taken after the database is open and before anything reaches the venue.
 * Held by another trader, boot fails with a message naming it; lost while running, `onLost` is told.
 */
export async function takeTradingLease(d: StoreDeps, onLost: (message: string) => void): Promise<void> {
  const apiKey = d.config.secrets.krakenApiKey;
  if (d.config.mode !== 'live' || !apiKey) return;
  const stores: LeaseStore[] = [dbLeaseStore(keyLeasesRepo(need(d.rt, 'db')), `database ${d.dbPath}`)];
  const url = d.config.evolution.redisUrl;
  if (url !== '') {
    const client = await connectRedis({ url, password: d.config.secrets.redisPassword }, 'the Kraken key lease', d.log.child({ component: 'lease' }));
    stores.push(redisLeaseStore(client, `Redis at ${redactRedisUrl(url)}`));
  }
  d.rt.lease = await takeKeyLease({ apiKey, stores, ttlMs: d.config.lease.ttlSeconds * 1000, log: d.log.child({ component: 'lease' }), onLost });
}

/** The active strategy version (v001 seeded on a fresh database) started in its sandbox child. */
async function startStrategy(d: StoreDeps): Promise<string> {
  const db = need(d.rt, 'db');
  const store = openVersionStore({ db, clock: d.clock, repoRoot: d.repoRoot, filesRoot: d.filesRoot, gates: need(d.rt, 'gates') });
  const seeded = await seedInitialVersions(store, d.repoRoot);
  if (seeded.length > 0) d.log.info({ versions: seeded.map((v) => `${v.name} ${v.label}`) }, 'fresh database: seeded v001');
  const pointer = store.repo.active('strategy');
  if (!pointer)
    throw new BrainError('no active strategy version: deploy one with `brain promote <id> --force`', {
      domain: 'versions',
      code: 'no_active',
      retryable: false,
    });
  const version = store.get(pointer.versionId);
  d.rt.versions = store;
  d.rt.strategyVersion = version.id;
  const table = need(d.rt, 'table');
  const setups = d.config.pairs.map((pair: Pair) => ({ pair, params: {}, fees: table.get(pair).fees, rules: table.get(pair).rules }));
  const log = d.log.child({ component: 'sandbox' });
  d.rt.strategy = await LiveStrategy.start(
    {
      setups,
      position: (pair) => positionViewOf(d.rt.ledger?.().holdings[pair], d.config.market.timeframe),
      equity: () => d.rt.ledger?.().lastEquity ?? d.config.paper.startingBalanceUsd,
      startHost: (v) => StrategyHost.start({ versionId: v.id, kind: 'strategy', bundle: v.bundle, logger: log }),
    },
    { id: version.id, bundle: version.bundle },
  );
  return version.id;
}

export async function prepareBoot(d: StoreDeps): Promise<BootState> {
  d.rt.table = await d.client.loadPairs();
  const db = need(d.rt, 'db');
  const repos = need(d.rt, 'repos');
  const now = d.clock.now();
  const reports = await syncFromKraken({ repo: repos.candles, transaction: (fn) => db.transaction(fn) }, krakenOhlcFetcher(d.client), d.config.pairs, now, [
    d.config.market.timeframe,
  ]);
  d.log.info({ stored: reports.reduce((s, r) => s + r.stored, 0), capped: reports.filter((r) => r.capped).map((r) => r.pair) }, 'candles synced by REST');
  const strategyVersion = await startStrategy(d);
  const cash = d.paper
    ? { kind: 'initial' as const, usd: d.config.paper.startingBalanceUsd }
    : { kind: 'current' as const, usd: (await d.client.balances()).spot['USD']?.total ?? 0 };
  const boot = await reconcileAtBoot({
    pairs: d.config.pairs,
    table: d.rt.table,
    repos,
    venue: d.venue,
    paper: d.paper,
    cash,
    fallbackFees: d.config.trading.fallbackFees,
    slippage: d.config.trading.slippageFraction,
    strategyVersion,
    now,
    log: d.log.child({ component: 'reconcile' }),
    timeframe: d.config.market.timeframe,
  });
  return { ...boot, ...evolutionBoot(repos, d.log) };
}

/** Stops the strategy child, gives back the key lease, closes the database, releases the lock; each step runs even if one before failed. */
export async function closeStore(rt: Runtime, log: Logger): Promise<void> {
  const strategy = rt.strategy;
  rt.strategy = undefined;
  await strategy?.close().catch((err: unknown) => log.error({ err }, 'closing the strategy child failed'));
  await rt.gates?.close().catch((err: unknown) => log.error({ err }, 'ending the gate process failed'));
  const lease = rt.lease;
  rt.lease = undefined;
  await lease?.release().catch((err: unknown) => log.error({ err }, 'giving back the Kraken key lease failed; it expires by itself after lease.ttlSeconds'));
  try {
    rt.db?.close();
  } finally {
    rt.db = undefined;
    rt.lock?.release();
    rt.lock = undefined;
  }
}
