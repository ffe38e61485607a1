/**
 * A tweak is a targeted edit (OpenEvolve's SEARCH/REPLACE diff): each block's search text must occur
 * exactly once in the source as it stands after the blocks before it, and is replaced by its replace
 * text. Anything else is refused with the block's number and what was wrong, for the repair prompt.
 */
import type { Edit } from '../prompts/answers.ts';

export type EditResult = { ok: true; source: string } | { ok: false; reason: string };

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n += 1;
  return n;
}

export function applyEdits(source: string, edits: readonly Edit[]): EditResult {
  let out = source;
  for (const [i, e] of edits.entries()) {
    const where = `edit ${i + 1} of ${edits.length}`;
    if (e.search === '') return { ok: false, reason: `${where} has an empty search text` };
    const n = occurrences(out, e.search);
    if (n !== 1) {
      const head = JSON.stringify(e.search.slice(0, 80));
      return { ok: false, reason: `${where}: the search text ${head} occurs ${n} times in the current source; it must occur exactly once` };
    }
    const at = out.indexOf(e.search);
    out = out.slice(0, at) + e.replace + out.slice(at + e.search.length);
  }
  return { ok: true, source: out };
}
