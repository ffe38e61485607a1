/**
 * Statistics mode: the host answers a module's declared queries (query/query-runner.ts: read-only
 * connection, one SELECT per key, row and time limits), the child runs the pure `analyze(rows)`, and
 * the host validates the report (contract AnalysisReportSchema, size cap). Every failure is counted
 * against the version like a strategy failure.
 */
import { z } from 'zod';
import { AnalysisMetaSchema, AnalysisReportSchema, type AnalysisReport } from '../contract/analysis.ts';
import { SandboxError, StatisticsError } from './errors.ts';
import type { StrategyHost } from './host/strategy-host.ts';
import type { QueryRunner } from './query/query-runner.ts';

export const MAX_REPORT_BYTES = 64 * 1024;

export async function runStatistics(host: StrategyHost, queries: QueryRunner, maxReportBytes = MAX_REPORT_BYTES): Promise<AnalysisReport> {
  const meta = AnalysisMetaSchema.safeParse(host.meta);
  if (!meta.success) throw new SandboxError('not_ready', `version ${host.versionId} is not a statistics module (its meta has no queries)`, false);
  const fail = (err: StatisticsError): never => {
    host.reportFailure(err.code, err.message);
    throw err;
  };
  let results: Awaited<ReturnType<typeof queries.run>>;
  try {
    results = await queries.run(meta.data.queries);
  } catch (err) {
    if (err instanceof StatisticsError) fail(err);
    throw err;
  }
  const reply = await host.call({ kind: 'analyze', results }, undefined, 'analyze');
  const report = AnalysisReportSchema.safeParse(reply['report']);
  if (!report.success)
    fail(new StatisticsError('invalid_report', null, `${meta.data.name}: report is invalid: ${z.prettifyError(report.error).slice(0, 400)}`));
  const bytes = Buffer.byteLength(JSON.stringify(report.data), 'utf8');
  if (bytes > maxReportBytes) fail(new StatisticsError('report_too_large', null, `${meta.data.name}: report is ${bytes} bytes; the cap is ${maxReportBytes}`));
  return report.data!;
}
