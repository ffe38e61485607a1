/**
 * The fake's prompt cache, with the real one's semantics (platform.claude.com prompt-caching): the prefix
 * is `tools → system → messages` up to a block carrying `cache_control`; it matches byte for byte and per
 * model; the longest cached breakpoint prefix is read, the rest up to the last breakpoint is written;
 * a prefix below the model's minimum is silently not cached (both counters 0); a hit refreshes the TTL;
 * entries expire on the injected clock ('5m' default, '1h').
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock/clock.ts';

/** The fake tokenizer: one token per 4 UTF-8 bytes, rounded up (close to Claude's ratio for English and code). */
export function fakeTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

export interface PromptBlock {
  /** Canonical bytes of the block without its cache_control (what the match compares). */
  readonly bytes: string;
  readonly tokens: number;
  readonly ttl: '5m' | '1h' | null;
}

export interface CacheUsage {
  /** Input tokens after the last breakpoint (or all of them when nothing is cached). */
  input: number;
  read: number;
  write: number;
  write1h: number;
  write5m: number;
}

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttl: '5m' | '1h' }>();

  constructor(
    private readonly clock: Clock,
    private readonly minTokens: (model: string) => number,
  ) {}

  /** Usage of one request, updating the cache as the API would. */
  use(model: string, blocks: readonly PromptBlock[]): CacheUsage {
    const total = blocks.reduce((s, b) => s + b.tokens, 0);
    const now = this.clock.now();
    const breakpoints = blocks.flatMap((b, i) => (b.ttl ? [i] : []));
    const last = breakpoints.at(-1);
    if (last === undefined) return { input: total, read: 0, write: 0, write1h: 0, write5m: 0 };
    const prefixTokens = (i: number) => blocks.slice(0, i + 1).reduce((s, b) => s + b.tokens, 0);
    if (prefixTokens(last) < this.minTokens(model)) return { input: total, read: 0, write: 0, write1h: 0, write5m: 0 };
    const keyOf = (i: number) =>
      createHash('sha256')
        .update(model)
        .update('\u0000')
        .update(
          blocks
            .slice(0, i + 1)
            .map((b) => b.bytes)
            .join('\u0001'),
        )
        .digest('hex');
    let read = 0;
    for (const i of [...breakpoints].reverse()) {
      const hit = this.entries.get(keyOf(i));
      if (hit && hit.expiresAt > now) {
        read = prefixTokens(i);
        hit.expiresAt = now + TTL_MS[hit.ttl];
        break;
      }
    }
    const lastTokens = prefixTokens(last);
    const write = lastTokens - read;
    const ttl = blocks[last]!.ttl!;
    if (write > 0) this.entries.set(keyOf(last), { expiresAt: now + TTL_MS[ttl], ttl });
    return { input: total - lastTokens, read, write, write1h: ttl === '1h' ? write : 0, write5m: ttl === '5m' ? write : 0 };
  }
}
