/**
 * Gathering: the night's context read from its sources, each input a labelled section, secrets
 * redacted (inv. 7), bounded in tokens. The bundle is stored with the cycle, so a resumed night sends
 * the same bytes; it also carries the active modules, the parents of anything written tonight.
 */
import { TRUTH_METRICS } from '../../truth.ts';
import { chooseInspirations } from './inspirations.ts';
import type { LedgerReader, TriedCandidate } from '../pipeline-port.ts';
import { redactSecrets } from '../secrets.ts';
import { boundSections, renderContext, type ContextSection } from './sections.ts';
import type { ActiveModule, ContextSources, ModuleKind } from './sources.ts';
import { estimateTokens } from '../llm/tokens.ts';

export interface ContextBundle {
  sections: ContextSection[];
  /** Active modules at gathering time by module name ('strategy', 'market_analysis', ...). */
  modules: Record<string, ActiveModule>;
  tokens: number;
}

export interface GatherDeps {
  sources: ContextSources;
  ledger: LedgerReader;
  contextTokens: number;
  secrets: readonly string[];
}

const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const json = (v: unknown) => JSON.stringify(v, null, 1);
const STATISTICS_MODULES = ['market_analysis', 'trade_performance'];

function truthSection(sources: ContextSources, now: number): ContextSection {
  const values = sources.truth(now);
  const lines = TRUTH_METRICS.map((m) => `${m.name}: ${JSON.stringify(values[m.name] ?? null)}  (${m.description})`);
  return { kind: 'truth_benchmarks', title: `truth benchmarks at ${iso(now)}`, body: lines.join('\n') };
}

async function statisticsSection(sources: ContextSources, now: number): Promise<ContextSection> {
  const reports = await sources.statistics(now);
  const body = reports.map((r) =>
    r.report
      ? `## ${r.name} ${r.label} (${r.versionId})\n${r.report.summary}\nmetrics: ${json(r.report.metrics)}${r.report.details === undefined ? '' : `\ndetails: ${JSON.stringify(r.report.details)}`}`
      : `## ${r.name} ${r.label} (${r.versionId})\nfailed tonight: ${r.error}`,
  );
  return { kind: 'statistics_reports', title: 'statistics module reports', body: body.join('\n\n') || 'no statistics module is active' };
}

function failureLine(t: TriedCandidate): string {
  return `- ${iso(t.at)} ${t.kind}/${t.name} ${t.contentHash.slice(0, 12)} stage ${t.stage}: ${t.reason ?? 'no reason recorded'}${t.hypothesis ? `\n  hypothesis: ${t.hypothesis}` : ''}`;
}

function candidatesSection(deps: GatherDeps, parent: ActiveModule | null): ContextSection {
  const pool = deps.ledger.candidates('strategy', 'strategy', 50);
  const ins = chooseInspirations(pool, parent?.versionId ?? null);
  const line = (tag: string) => (c: (typeof pool)[number]) =>
    `- ${tag} ${c.label} (${c.versionId}) ${c.status}, metrics ${c.metrics ? JSON.stringify(c.metrics) : 'not measured'}`;
  const lines = [...(ins.parent ? [line('parent')(ins.parent)] : []), ...ins.best.map(line('best')), ...ins.different.map(line('most different'))];
  return { kind: 'candidates', title: 'strategy candidates: parent, best, most different', body: lines.join('\n') || 'no earlier candidates' };
}

export async function gatherContext(deps: GatherDeps, now: number): Promise<ContextBundle> {
  const s = deps.sources;
  const modules: Record<string, ActiveModule> = {};
  const wanted: Array<[ModuleKind, string]> = [['strategy', 'strategy'], ...STATISTICS_MODULES.map((n): [ModuleKind, string] => ['statistics', n])];
  for (const [kind, name] of wanted) {
    const m = s.active(kind, name);
    if (m) modules[name] = m;
  }
  const d = s.drought(now);
  const raw: ContextSection[] = [
    truthSection(s, now),
    { kind: 'system_constraints', title: 'pairs, fees, risk limits, slippage', body: json(s.constraints()) },
    {
      kind: 'signal_drought',
      title: 'signal activity',
      body: `last signal: ${iso(d.lastSignalAt)}\nsignals in 7 days: ${d.signals7d}\nsignals in 30 days: ${d.signals30d}\nscans in 24 h: ${d.scans24h}\nlast scan: ${iso(d.lastScanAt)}`,
    },
    await statisticsSection(s, now),
    {
      kind: 'paper_tests',
      title: 'paper tests running and finished',
      body:
        s
          .paperTests()
          .map((t) => json(t))
          .join('\n') || 'none',
    },
    {
      kind: 'observations',
      title: 'observations of earlier nights, newest first',
      body:
        s
          .observations(10)
          .map((o) => `- ${iso(o.time)} [${o.topic}] ${o.content}`)
          .join('\n') || 'none yet',
    },
    {
      kind: 'lineage',
      title: 'version lineage, newest first',
      body: s
        .lineage(20)
        .map((v) => `- ${v.kind}/${v.name} ${v.label} (${v.versionId}) parent ${v.parentId ?? '-'} by ${v.author}, ${v.status}, ${iso(v.createdAt)}`)
        .join('\n'),
    },
    {
      kind: 'ledger',
      title: 'candidates tried before and why they failed, newest first',
      body: deps.ledger.failures(20).map(failureLine).join('\n') || 'nothing has failed yet',
    },
    candidatesSection(deps, modules['strategy'] ?? null),
  ];
  const redacted = raw.map((x) => ({ ...x, title: redactSecrets(x.title, deps.secrets), body: redactSecrets(x.body, deps.secrets) }));
  const sections = boundSections(redacted, deps.contextTokens);
  return { sections, modules, tokens: estimateTokens(renderContext(sections)) };
}
