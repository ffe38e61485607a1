/**
 * The static prefix every call of the night starts with, and the prompt cache's key: the three layers,
 * then the contract and skills docs the generator writes against. Only files of the repository, read
 * once, in a fixed order: no date, no figure of the night, nothing that changes before the breakpoint
 * (a timestamp there would defeat the cache, evolution.md §2.1). It is kept above 4,096 tokens, the
 * largest minimum cacheable length any model has (a test checks it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUND_MANDATE, IDENTITY, SYSTEM_MAP } from './layers.ts';

/** The reference documents, repository-relative. */
export const STATIC_DOCS = [
  'docs/strategy-authoring.md',
  'src/contract/strategy.ts',
  'src/contract/intent.ts',
  'src/contract/analysis.ts',
  'strategy/skills/README.md',
] as const;

export function staticPrefix(repoRoot: string): string[] {
  const docs = STATIC_DOCS.map((path) => `## ${path}\n\n${readFileSync(join(repoRoot, path), 'utf8').trimEnd()}`);
  return [IDENTITY, FUND_MANDATE, SYSTEM_MAP, `# Reference: the module contract and the indicator library\n\n${docs.join('\n\n')}`];
}
