/**
 * The night's context as labelled sections, each marked with its kind so the model knows what it is
 * reading (seed: truth benchmarks are rigid, statistics reports flexible, ...). Rendering fences each
 * section and neutralises a fence inside its text, so data that imitates the end of a section or a new
 * instruction stays inside its record. The whole is bounded in tokens: when it is over, the sections
 * of lowest priority are shortened first, and a shortened section says so.
 */
import { estimateTokens, truncateToTokens } from '../llm/tokens.ts';

export const SECTION_KINDS = [
  'truth_benchmarks',
  'system_constraints',
  'statistics_reports',
  'signal_drought',
  'paper_tests',
  'observations',
  'lineage',
  'ledger',
  'candidates',
] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

/** How each kind is introduced to the model (the map in prompts/layers.ts describes them too). */
export const KIND_LABELS: Record<SectionKind, string> = {
  truth_benchmarks: 'rigid: fixed SQL over the raw tables',
  system_constraints: 'rigid: read live from config and the exchange',
  statistics_reports: 'flexible: written by the statistics modules, possibly wrong',
  signal_drought: 'rigid: counts over the signals and scans tables',
  paper_tests: 'rigid: the paper_tests table',
  observations: 'memory: what earlier nights concluded',
  lineage: 'rigid: the version store',
  ledger: 'rigid: candidates tried before and why they failed',
  candidates: 'rigid: earlier versions with their measured metrics',
};

/** Higher keeps more of its text when the context is over its bound. */
const PRIORITY: Record<SectionKind, number> = {
  truth_benchmarks: 9,
  system_constraints: 8,
  signal_drought: 7,
  ledger: 6,
  paper_tests: 5,
  statistics_reports: 4,
  observations: 3,
  lineage: 2,
  candidates: 1,
};
/** What a shortened section keeps at least, in tokens. */
const FLOOR_TOKENS = 120;

export interface ContextSection {
  kind: SectionKind;
  title: string;
  body: string;
}

/** A fence-looking line inside data is broken up, so no record can close its own section. */
export function neutralise(text: string): string {
  return text.replace(/<(\/?)(section|context)\b/gi, '<$1\u200b$2');
}

export function renderSection(s: ContextSection): string {
  return `<section kind="${s.kind}" label="${KIND_LABELS[s.kind]}" title="${neutralise(s.title).replace(/"/g, "'")}">\n${neutralise(s.body)}\n</section>`;
}

export function renderContext(sections: readonly ContextSection[]): string {
  return `<context>\n${sections.map(renderSection).join('\n\n')}\n</context>`;
}

/** Sections shortened, lowest priority first, until the rendered context fits `maxTokens` (estimate). */
export function boundSections(sections: readonly ContextSection[], maxTokens: number): ContextSection[] {
  const out = sections.map((s) => ({ ...s }));
  const over = () => estimateTokens(renderContext(out)) - maxTokens;
  const order = [...out].sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind]);
  for (const s of order) {
    const excess = over();
    if (excess <= 0) break;
    const own = estimateTokens(s.body);
    s.body = truncateToTokens(s.body, Math.max(FLOOR_TOKENS, own - excess));
  }
  return out;
}
