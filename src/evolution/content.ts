/**
 * A candidate's identity for the ledger's dedupe: what it is (kind and module name) and its exact text.
 * Two submissions with the same hash are the same candidate, whoever sent them.
 */
import { sha256 } from '../hash.ts';

export function contentHash(kind: 'strategy' | 'statistics', name: string, source: string): string {
  return sha256(`${kind}\0${name}\0${source}`);
}

/** The 12-digit prefix the CLI prints and accepts. */
export const shortHash = (hash: string): string => hash.slice(0, 12);
