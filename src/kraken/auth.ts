/**
 * REST authentication (reference/kraken-api.md §5): API-Sign and the per-key nonce.
 * Nonces must reach Kraken strictly increasing per key, so the client runs one call per key at a time
 * around "take nonce → sign → send → read reply" (lanes.ts); parallel calls on one key are the usual
 * cause of `EAPI:Invalid nonce`.
 */
import { createHash, createHmac } from 'node:crypto';

/** base64(HMAC-SHA512(base64decode(secret), uriPath ‖ SHA256(nonce ‖ postBody))). */
export function apiSign(uriPath: string, nonce: string, postBody: string, secretBase64: string): string {
  const digest = createHash('sha256')
    .update(nonce + postBody)
    .digest();
  return createHmac('sha512', Buffer.from(secretBase64, 'base64'))
    .update(Buffer.concat([Buffer.from(uriPath), digest]))
    .digest('base64');
}

/** Strictly increasing nonces: max(now_ms, last + 1). */
export class NonceSource {
  private last = 0;
  constructor(private readonly now: () => number) {}

  next(): string {
    this.last = Math.max(Math.floor(this.now()), this.last + 1);
    return String(this.last);
  }
}
