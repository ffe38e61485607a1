import { describe, expect, it } from 'vitest';
import { fakeTokens } from '../../src/orchestrator/fake-api/prompt-cache.ts';
import { boundSections, renderContext, SECTION_KINDS, type ContextSection } from '../../src/orchestrator/context/sections.ts';
import { estimateTokens } from '../../src/orchestrator/llm/tokens.ts';
import { FUND_MANDATE, IDENTITY, SYSTEM_MAP } from '../../src/orchestrator/prompts/layers.ts';
import { staticPrefix } from '../../src/orchestrator/prompts/static-prefix.ts';
import { analysisUser } from '../../src/orchestrator/prompts/tasks.ts';
import { applyEdits } from '../../src/orchestrator/steps/edits.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

/** Behavioural orders and heuristics the seed removed from its prompts on purpose ("describe, do not direct"). */
const DIRECTIVES = [
  /\byou (should|must|need to)\b/i,
  /\bmake sure\b/i,
  /\bbe (conservative|careful|cautious|bold)\b/i,
  /\bprefer\b/i,
  /\bat (least|most)\b/i,
  /\bdo not\b/i,
  /\bdon't\b/i,
  /\btry to\b/i,
  /\bremember to\b/i,
  /\bit is important\b/i,
  /\balways\b/i,
];

describe('the three prompt layers', () => {
  const layers = { IDENTITY, FUND_MANDATE, SYSTEM_MAP };

  it('are separate constants, in the order identity, mandate, system map at the head of the static prefix', () => {
    expect(staticPrefix(PROJECT_ROOT).slice(0, 3)).toEqual([IDENTITY, FUND_MANDATE, SYSTEM_MAP]);
    expect(FUND_MANDATE).toContain('Portfolio growth with capital preservation. Avoid major drawdowns. This is a long-term fund.');
  });

  for (const [name, text] of Object.entries(layers)) {
    it(`${name} describes and does not direct: no numbers, no behavioural orders`, () => {
      expect(text).not.toMatch(/\d/);
      for (const d of DIRECTIVES) expect(text).not.toMatch(d);
    });
  }

  it('the map names every decision and every kind of context section', () => {
    for (const d of ['no_change', 'strategy_tweak', 'strategy_restructure', 'market_analysis_update', 'trade_analysis_update']) expect(SYSTEM_MAP).toContain(d);
    for (const k of SECTION_KINDS) expect(SYSTEM_MAP.replace(/ /g, '_')).toContain(k === 'system_constraints' ? 'system_constraints' : k.replace(/s$/, ''));
  });
});

describe('the static prefix', () => {
  it('is at least 4,096 tokens by the fake tokenizer and by the local estimate, so every model caches it', () => {
    const text = staticPrefix(PROJECT_ROOT).join('');
    expect(fakeTokens(text)).toBeGreaterThanOrEqual(4096);
    expect(estimateTokens(text)).toBeGreaterThanOrEqual(4096);
  });

  it('is the same bytes every time it is built: nothing dynamic before the cache breakpoint', () => {
    expect(staticPrefix(PROJECT_ROOT)).toEqual(staticPrefix(PROJECT_ROOT));
    expect(staticPrefix(PROJECT_ROOT).join('')).not.toMatch(/20\d\d-\d\d-\d\dT/);
  });
});

describe('the context', () => {
  const section = (kind: ContextSection['kind'], lines: number): ContextSection => ({
    kind,
    title: kind,
    body: Array.from({ length: lines }, (_, i) => `${kind} line ${i}`).join('\n'),
  });

  it('labels every section with its kind and whether it is rigid or flexible', () => {
    const text = analysisUser([section('truth_benchmarks', 1), section('statistics_reports', 1)]);
    expect(text).toContain('<section kind="truth_benchmarks" label="rigid: fixed SQL over the raw tables"');
    expect(text).toContain('<section kind="statistics_reports" label="flexible: written by the statistics modules, possibly wrong"');
  });

  it('is bounded in tokens by shortening the lowest-priority sections first, each saying it was shortened', () => {
    const sections = [section('truth_benchmarks', 50), section('candidates', 2000), section('lineage', 2000), section('ledger', 200)];
    const bounded = boundSections(sections, 3000);
    expect(estimateTokens(renderContext(bounded))).toBeLessThanOrEqual(3000);
    const byKind = Object.fromEntries(bounded.map((s) => [s.kind, s.body]));
    expect(byKind['truth_benchmarks']).toBe(sections[0]!.body);
    expect(byKind['ledger']).toBe(sections[3]!.body);
    expect(byKind['candidates']).toContain('left out to keep the context within its token bound');
  });
});

describe('search/replace edits', () => {
  it('apply in order, each search text exactly once', () => {
    expect(
      applyEdits('a b c', [
        { search: 'b', replace: 'B' },
        { search: 'B c', replace: 'x' },
      ]),
    ).toEqual({ ok: true, source: 'a x' });
  });

  it('refuse a missing, repeated or empty search text with the block number', () => {
    expect(applyEdits('a a', [{ search: 'a', replace: 'b' }])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('edit 1 of 1: the search text "a" occurs 2 times'),
    });
    expect(
      applyEdits('a', [
        { search: 'a', replace: 'b' },
        { search: 'zz', replace: 'y' },
      ]),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('edit 2 of 2') });
    expect(applyEdits('a', [{ search: '', replace: 'b' }])).toMatchObject({ ok: false, reason: expect.stringContaining('empty search') });
  });
});
