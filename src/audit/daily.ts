/**
 * The self-audit and the backup as the daemon's daily chores: the same use cases as `brain audit` and
 * `brain backup`, on the daemon's own connection, with its booked ledger and its venue (the paper
 * venue's live books in paper mode). The supervisor hears the outcome and decides what it means.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { AuditOutcome } from '../../machines/supervisor-types.ts';
import { backupDatabase, type BackupResult } from '../backup/backup.ts';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Db, Repositories } from '../db/index.ts';
import { auditReportsRepo } from '../db/audit-reports.repo.ts';
import type { KrakenClient } from '../kraken/client.ts';
import { sleep } from '../kraken/rate.ts';
import type { Ledger } from '../trading/portfolio.ts';
import type { PaperVenue } from '../venues/paper.ts';
import { formatAuditReport, runAudit } from './audit.ts';
import { liveAuditVenue, paperAuditVenue } from './venue.ts';

/** An order settles within seconds (ack, fill, the executions feed): 6 × 10 s before comparing anyway. */
const SETTLE_WAIT_MS = 10_000;

export interface DailyChoreDeps {
  config: Config;
  client: KrakenClient;
  /** The daemon's paper venue (null in live mode). */
  paper: PaperVenue | null;
  db: Db;
  repos: Repositories;
  ledger: () => Ledger;
  clock: Clock;
  /** The daemon's working directory: relative paths in the config resolve against it. */
  filesRoot: string;
  log: Logger;
}

export async function dailyAudit(d: DailyChoreDeps): Promise<AuditOutcome> {
  const { config } = d;
  const venue = d.paper ? paperAuditVenue(d.paper) : liveAuditVenue(d.client, config.pairs);
  const report = await runAudit({
    mode: config.mode,
    trigger: 'schedule',
    pairs: config.pairs,
    timeframe: config.market.timeframe,
    repos: d.repos,
    reports: auditReportsRepo(d.db),
    venue,
    booked: d.ledger,
    startingCashUsd: config.paper.startingBalanceUsd,
    toleranceUsd: config.audit.toleranceUsd,
    now: () => d.clock.now(),
    settle: { attempts: 6, wait: () => sleep(d.clock, SETTLE_WAIT_MS) },
  });
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
  if (report.passed) d.log.info({ reportId: report.id }, 'self-audit passed');
  else d.log.error({ reportId: report.id, failed, report: formatAuditReport(report) }, 'self-audit FAILED');
  return { reportId: report.id, passed: report.passed, failed };
}

export function dailyBackup(d: Pick<DailyChoreDeps, 'config' | 'db' | 'clock' | 'filesRoot' | 'log'>): BackupResult {
  const r = backupDatabase({ db: d.db, dir: resolve(d.filesRoot, d.config.backup.dir), keep: d.config.backup.keep, now: d.clock.now() });
  d.log.info({ file: r.file, bytes: r.bytes, pruned: r.pruned.length }, 'database backed up');
  return r;
}
