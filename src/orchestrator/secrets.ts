/**
 * Secrets never leave (DESIGN inv. 7): every piece of dynamic text that goes into a prompt passes
 * through redactSecrets, so a key that found its way into a database row (an observation, a module's
 * report) is replaced before it could be sent; the client refuses any request still holding one.
 */
export const REDACTED = '[redacted secret]';

/** Secret values long enough to be matched without false hits. */
export function matchableSecrets(secrets: readonly (string | undefined)[]): string[] {
  return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of matchableSecrets(secrets)) out = out.split(s).join(REDACTED);
  return out;
}
