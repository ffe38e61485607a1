/**
 * Kraken REST private-call authentication, verified exactly as §5 of reference/kraken-api.md:
 * API-Sign = base64(HMAC-SHA512(base64dec(secret), path ‖ SHA256(nonce ‖ body))), nonces strictly
 * increasing per key. Check order (documented, unverified upstream): key → nonce → signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function signRequest(path: string, nonce: string, body: string, secretB64: string): string {
  const digest = createHash('sha256')
    .update(nonce + body)
    .digest();
  return createHmac('sha512', Buffer.from(secretB64, 'base64'))
    .update(Buffer.concat([Buffer.from(path), digest]))
    .digest('base64');
}

export type AuthError = 'EAPI:Invalid key' | 'EAPI:Invalid nonce' | 'EAPI:Invalid signature';

export interface AuthRequest {
  path: string;
  body: string;
  nonce: string | undefined;
  apiKey: string | undefined;
  apiSign: string | undefined;
}

/** Holds the secrets and last accepted nonce per key. */
export class NonceAuthenticator {
  private readonly secrets = new Map<string, string>();
  private readonly lastNonce = new Map<string, bigint>();

  addKey(key: string, secretB64: string): void {
    this.secrets.set(key, secretB64);
  }

  /** Returns the authenticated key, or the Kraken error string. Records the nonce only on success. */
  verify(req: AuthRequest): { key: string } | { error: AuthError } {
    const secret = req.apiKey === undefined ? undefined : this.secrets.get(req.apiKey);
    if (req.apiKey === undefined || secret === undefined) return { error: 'EAPI:Invalid key' };
    const nonce = parseNonce(req.nonce);
    if (nonce === undefined || nonce <= (this.lastNonce.get(req.apiKey) ?? -1n)) return { error: 'EAPI:Invalid nonce' };
    if (req.apiSign === undefined || !sameSignature(req.apiSign, signRequest(req.path, req.nonce!, req.body, secret))) {
      return { error: 'EAPI:Invalid signature' };
    }
    this.lastNonce.set(req.apiKey, nonce);
    return { key: req.apiKey };
  }
}

function parseNonce(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^\d{1,20}$/.test(text)) return undefined;
  const n = BigInt(text);
  return n <= 0xffffffffffffffffn ? n : undefined;
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
