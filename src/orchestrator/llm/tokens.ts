/**
 * The local token estimate: what the context builder bounds sections with, what `--dry-run` prints, and
 * what the budget check falls back to when count_tokens is unreachable. One token per 3 characters
 * over-counts English prose and TypeScript for Claude's tokenizer, so a bound held here holds there.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

/** `text` cut to about `tokens` tokens at a line end, with a note saying how much was left out. */
export function truncateToTokens(text: string, tokens: number): string {
  if (estimateTokens(text) <= tokens) return text;
  const keep = Math.max(0, tokens * 3 - 80);
  const cut = text.lastIndexOf('\n', keep);
  const head = text.slice(0, cut > keep / 2 ? cut : keep);
  return `${head}\n[… ${text.length - head.length} more characters left out to keep the context within its token bound]`;
}
