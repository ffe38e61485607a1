/**
 * `brain audit` from the command line: the same use case as the daemon's daily chore, on the database at
 * config data.dbPath. Without a running daemon there is no booked ledger (the next boot rebuilds it from
 * the fills) and, in paper mode, no paper venue: its books are rebuilt from the orders and fills tables.
 * Live mode asks Kraken itself (keys from the environment) for balances and open orders.
 */
import type { Logger } from 'pino';
import { systemClock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { auditReportsRepo, type StoredAuditReport } from '../db/audit-reports.repo.ts';
import { createRepositories, openDatabase } from '../db/index.ts';
import { KrakenClient } from '../kraken/client.ts';
import { sleep } from '../kraken/rate.ts';
import { ORDER_STATUSES } from '../contract/index.ts';
import { PaperVenue } from '../venues/paper.ts';
import { runAudit } from './audit.ts';
import { liveAuditVenue, paperAuditVenue, type AuditVenue } from './venue.ts';

export interface AuditFromConfigOptions {
  config: Config;
  dbPath: string;
  log: Logger;
  /** Kraken's REST base (tests: the loopback simulator). */
  restUrl?: string;
}

async function venueFor(o: AuditFromConfigOptions, repos: ReturnType<typeof createRepositories>): Promise<AuditVenue> {
  const { config } = o;
  if (config.mode === 'paper') {
    // A plain Error on purpose: the audit never trades, so reaching this is a bug in this file, not a failure to report.
    const unused = () => {
      throw new Error('the restored paper venue takes no orders');
    };
    const paper = new PaperVenue({ clock: systemClock, rules: unused, fees: unused, slippage: 0, startingCash: config.paper.startingBalanceUsd });
    paper.restore(repos.orders.byStatus(...ORDER_STATUSES), repos.fills.inRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    return paperAuditVenue(paper);
  }
  const { krakenApiKey: key, krakenApiSecret: secret } = config.secrets;
  const client = new KrakenClient({
    baseUrl: o.restUrl ?? config.kraken.restUrl,
    clock: systemClock,
    logger: o.log.child({ component: 'kraken' }),
    fallbackFees: config.trading.fallbackFees,
    ...(key && secret ? { credentials: { key, secret } } : {}),
  });
  await client.loadPairs();
  return liveAuditVenue(client, config.pairs);
}

/** Runs the audit now and stores the report (trigger 'cli'). */
export async function auditFromConfig(o: AuditFromConfigOptions): Promise<StoredAuditReport> {
  const db = openDatabase({ path: o.dbPath, logger: o.log });
  try {
    const repos = createRepositories(db);
    const venue = await venueFor(o, repos);
    return await runAudit({
      mode: o.config.mode,
      trigger: 'cli',
      pairs: o.config.pairs,
      timeframe: o.config.market.timeframe,
      repos,
      reports: auditReportsRepo(db),
      venue,
      booked: null,
      startingCashUsd: o.config.paper.startingBalanceUsd,
      toleranceUsd: o.config.audit.toleranceUsd,
      now: systemClock.now,
      // A running daemon may be working an order: give it a few seconds to settle.
      settle: { attempts: 3, wait: () => sleep(systemClock, 5_000) },
    });
  } finally {
    db.close();
  }
}

/** The newest stored report (the daemon's or the CLI's), without running anything. */
export function lastAuditReport(dbPath: string): StoredAuditReport | undefined {
  const db = openDatabase({ path: dbPath });
  try {
    return auditReportsRepo(db).latest();
  } finally {
    db.close();
  }
}
