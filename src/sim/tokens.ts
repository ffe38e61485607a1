/**
 * WebSocket tokens from GetWebSocketsToken (§6, [TOK]): valid for 15 minutes of simulated time unless
 * a private subscription keeps using it.
 */
import { randomBytes } from 'node:crypto';

const TOKEN_TTL_MS = 900_000;

export class TokenStore {
  private readonly tokens = new Map<string, { key: string; expiresAt: number; inUse: number }>();

  issue(key: string, now: number): string {
    const token = randomBytes(30).toString('base64');
    this.tokens.set(token, { key, expiresAt: now + TOKEN_TTL_MS, inUse: 0 });
    return token;
  }

  /** The key a token belongs to, or undefined when unknown or expired. */
  keyOf(token: unknown, now: number): string | undefined {
    if (typeof token !== 'string') return undefined;
    const entry = this.tokens.get(token);
    if (!entry || (entry.inUse === 0 && entry.expiresAt < now)) return undefined;
    return entry.key;
  }

  /** A live subscription using the token keeps it valid. */
  retain(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) entry.inUse += 1;
  }

  release(token: string, now: number): void {
    const entry = this.tokens.get(token);
    if (!entry) return;
    entry.inUse = Math.max(0, entry.inUse - 1);
    if (entry.inUse === 0) entry.expiresAt = Math.max(entry.expiresAt, now + TOKEN_TTL_MS);
  }
}

export const TOKEN_EXPIRES_SECONDS = TOKEN_TTL_MS / 1000;
