/**
 * The dynamic part of each call (after the cached prefix): which step this is, what its answer's fields
 * hold, and the material of the step. Like the layers, these texts describe; they do not direct.
 */
import type { ActiveModule } from '../context/sources.ts';
import type { Inspirations } from '../context/inspirations.ts';
import { neutralise, renderContext, renderSection, type ContextSection } from '../context/sections.ts';
import type { ModuleTarget } from '../decisions.ts';
import { truncateToTokens } from '../llm/tokens.ts';
import type { TriedCandidate } from '../pipeline-port.ts';

const INSPIRATION_TOKENS = 1_500;

export function analysisUser(sections: readonly ContextSection[]): string {
  return `# Step: analysis

The night's context follows as labelled sections. The answer's fields:
- observation: the night's entry in the fund's memory, what was seen and what it means;
- decision: no_change, strategy_tweak, strategy_restructure, market_analysis_update or trade_analysis_update;
- hypothesis: for a change, what it is expected to do and what would show that it did not; empty for no_change;
- reasoning: how the evidence in the context leads to the decision.

${renderContext(sections)}`;
}

export interface GenerationMaterial {
  decision: string;
  target: ModuleTarget;
  hypothesis: string;
  reasoning: string;
  attempt: number;
  parent: ActiveModule | null;
  failures: readonly TriedCandidate[];
  inspirations: Inspirations;
  /** Why the previous attempt was refused (gates, type check, reviewer, edits), for a repair. */
  feedback: string | null;
}

const fence = (source: string) => `\`\`\`ts\n${neutralise(source)}\n\`\`\``;

function inspirationBlock(title: string, list: Inspirations['best']): string {
  if (list.length === 0) return '';
  const items = list.map(
    (c) =>
      `### ${c.label} (${c.versionId}), ${c.status}, metrics ${c.metrics ? JSON.stringify(c.metrics) : 'not measured'}\n${fence(truncateToTokens(c.source, INSPIRATION_TOKENS))}`,
  );
  return `## ${title}\n${items.join('\n')}\n`;
}

export function generationUser(m: GenerationMaterial): string {
  const form =
    m.target.form === 'edits'
      ? 'The answer holds search/replace blocks in edits (each search text occurs exactly once in the current source) and null as source.'
      : 'The answer holds the whole new module in source and an empty edits list.';
  const parent = m.parent
    ? `## Current source of ${m.target.name}: ${m.parent.label} (${m.parent.versionId})\n${fence(m.parent.source)}`
    : `## ${m.target.name} has no current version`;
  const failures =
    m.failures.length > 0
      ? `## Earlier candidates of this module that failed\n${m.failures.map((f) => `- ${f.contentHash.slice(0, 12)} at ${f.stage}: ${neutralise(f.reason ?? 'no reason recorded')}${f.hypothesis ? ` (hypothesis: ${neutralise(f.hypothesis)})` : ''}`).join('\n')}\n`
      : '';
  const repair = m.feedback ? `## The previous attempt was refused\n${neutralise(m.feedback)}\n` : '';
  return `# Step: generation, attempt ${m.attempt}

Decision: ${m.decision}, module ${m.target.kind}/${m.target.name}.
${form} The summary says what the code changes.

## Hypothesis
${neutralise(m.hypothesis)}

## Reasoning of the analysis
${neutralise(m.reasoning)}

${parent}

${failures}${inspirationBlock('Best earlier versions', m.inspirations.best)}${inspirationBlock('Earlier versions most different from the parent', m.inspirations.different)}${repair}`;
}

export interface ReviewMaterial {
  decision: string;
  target: ModuleTarget;
  hypothesis: string;
  summary: string;
  attempt: number;
  diff: string;
  /** The rigid sections the reviewer checks the hypothesis against. */
  sections: readonly ContextSection[];
}

export function reviewUser(m: ReviewMaterial): string {
  return `# Step: review, attempt ${m.attempt}

A candidate for ${m.target.kind}/${m.target.name} (decision ${m.decision}). The answer's fields: verdict
(approve, revise with concerns that go back to the generator, or reject with reasons that end the
attempt), concerns (one per item), summary.

## Hypothesis
${neutralise(m.hypothesis)}

## What the code changes, as the generator describes it
${neutralise(m.summary)}

## Diff against the parent (- parent, + candidate)
\`\`\`diff
${neutralise(m.diff)}
\`\`\`

${m.sections.map(renderSection).join('\n\n')}`;
}
