/**
 * What every step of the night works with, passed in explicitly (style.md: no singletons): the cycle
 * store, the model client (null without a key: the offline evolver runs), the models and cycle settings
 * from config, the static prefix, the context sources and the evolution ports.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.ts';
import type { Config } from '../../config/index.ts';
import type { OrchestratorCyclesRepo, StoredAnswer } from '../../db/orchestrator-cycles.repo.ts';
import type { ContextSources } from '../context/sources.ts';
import type { LlmClient } from '../llm/client.ts';
import { estimateTokens } from '../llm/tokens.ts';
import type { EvolutionPorts } from '../pipeline-port.ts';

export interface NightDeps {
  cycles: OrchestratorCyclesRepo;
  llm: LlmClient | null;
  models: Config['orchestrator']['models'];
  cycle: Config['orchestrator']['cycle'];
  /** The static prefix blocks (prompts/static-prefix.ts). */
  prefix: readonly string[];
  sources: ContextSources;
  ports: EvolutionPorts;
  clock: Clock;
  log: Logger;
  /** Every secret value the daemon holds (redacted from context, refused in requests). */
  secrets: readonly string[];
}

/** Room after the bounded context for a step's own material (the parent source, inspirations, a diff). */
const MATERIAL_TOKENS = 40_000;

export function maxInputTokens(d: NightDeps): number {
  return estimateTokens(d.prefix.join('')) + d.cycle.contextTokens + MATERIAL_TOKENS;
}

/** The text of a stored answer (structured output arrives as text blocks; thinking blocks are kept in the spool). */
export function answerText(a: StoredAnswer): string {
  const message = JSON.parse(a.content) as { content?: Array<{ type: string; text?: string }> };
  return (message.content ?? []).flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])).join('');
}
