/**
 * Which earlier candidates the generator sees, as the best code evolvers choose them (evolution.md §1.2:
 * parent + a few top + a few diverse, each with its metrics): the parent, the best measured ones by
 * Sharpe, and the ones most different from the parent by their lines (Jaccard distance of the sets of
 * non-blank lines), so the prompt shows both what works and what else has been tried.
 */
import type { CandidateRecord } from '../pipeline-port.ts';

export interface Inspirations {
  parent: CandidateRecord | null;
  best: CandidateRecord[];
  different: CandidateRecord[];
}

function lineSet(source: string): Set<string> {
  return new Set(
    source
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0),
  );
}

/** 0 for the same lines, 1 for nothing in common. */
export function lineDistance(a: string, b: string): number {
  const x = lineSet(a);
  const y = lineSet(b);
  let common = 0;
  for (const l of x) if (y.has(l)) common += 1;
  const union = x.size + y.size - common;
  return union === 0 ? 0 : 1 - common / union;
}

export function chooseInspirations(pool: readonly CandidateRecord[], parentId: string | null, nBest = 2, nDifferent = 2): Inspirations {
  const parent = pool.find((c) => c.versionId === parentId) ?? null;
  const others = pool.filter((c) => c.versionId !== parentId);
  const best = others
    .filter((c) => typeof c.metrics?.['sharpe'] === 'number')
    .sort((a, b) => b.metrics!['sharpe']! - a.metrics!['sharpe']!)
    .slice(0, nBest);
  const taken = new Set(best.map((c) => c.versionId));
  const different = parent
    ? others
        .filter((c) => !taken.has(c.versionId))
        .map((c) => ({ c, d: lineDistance(parent.source, c.source) }))
        .filter((x) => x.d > 0)
        .sort((a, b) => b.d - a.d)
        .slice(0, nDifferent)
        .map((x) => x.c)
    : [];
  return { parent, best, different };
}
