import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, SECRET_KEYS, type CreateLoggerOptions } from '../../src/log/index.ts';

/** A destination that keeps every written line. */
function capture(opts: Partial<CreateLoggerOptions> = {}) {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) }, ...opts });
  return { log, lines, text: () => lines.join('') };
}

const SECRET = 'S3cr3t-VALUE-that-must-never-appear';

describe('log output', () => {
  it('writes one JSON object per line by default', () => {
    const { log, lines } = capture();
    log.info({ pair: 'BTC/USD' }, 'scanned');
    log.child({ actor: 'scanner' }).warn('stale');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 30, pair: 'BTC/USD', msg: 'scanned' });
    expect(second).toMatchObject({ level: 40, actor: 'scanner', msg: 'stale' });
    expect(typeof first!.time).toBe('string');
  });

  it('is human-readable (not JSON) when pretty', () => {
    const { log, text } = capture({ pretty: true });
    log.info({ pair: 'BTC/USD' }, 'scanned');
    expect(text()).toContain('scanned');
    expect(text()).toContain('INFO');
    expect(() => JSON.parse(text())).toThrow();
  });

  it('respects the level', () => {
    const { log, lines } = capture({ level: 'warn' });
    log.info('hidden');
    log.error('shown');
    expect(lines).toHaveLength(1);
  });
});

describe('inv. 7: secrets never reach the log', () => {
  it('censors every secret key at the top level and nested up to four levels', () => {
    const { log, text } = capture();
    for (const key of SECRET_KEYS) {
      log.info({ [key]: SECRET, keep: 'visible-top' }, 'top');
      log.info({ a: { [key]: SECRET } }, 'depth 1');
      log.info({ a: { b: { c: { d: { [key]: SECRET }, keep: 'visible-deep' } } } }, 'depth 4');
    }
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain(REDACTED);
    expect(text()).toContain('visible-top');
    expect(text()).toContain('visible-deep');
  });

  it('censors Kraken signing headers and bearer tokens in a request object', () => {
    const { log, text } = capture();
    log.info({ req: { headers: { 'API-Key': SECRET, 'API-Sign': SECRET, authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET } } }, 'sent');
    log.info({ config: { secrets: { krakenApiSecret: SECRET, telegramBotToken: SECRET } } }, 'config');
    log.info({ env: { KRAKEN_API_SECRET: SECRET, ANTHROPIC_API_KEY: SECRET } }, 'env');
    expect(text()).not.toContain(SECRET);
  });

  it('scrubs configured secret values anywhere: in messages, URLs, errors and deep objects', () => {
    const token = '123456:AAF-telegram-token_value';
    const { log, text } = capture({ secrets: [token, SECRET] });
    log.info(`GET https://api.telegram.org/bot${token}/getMe`);
    log.error({ err: new Error(`auth failed for ${SECRET}`) }, 'request failed');
    log.info({ a: { b: { c: { d: { e: { f: { note: SECRET } } } } } } }, 'very deep');
    expect(text()).not.toContain(token);
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('api.telegram.org/bot[Redacted]/getMe');
  });

  it('scrubs secret values in pretty output too', () => {
    const { log, text } = capture({ pretty: true, secrets: [SECRET] });
    log.info({ headers: { 'API-Sign': SECRET }, url: `https://x/?k=${SECRET}` }, `msg ${SECRET}`);
    expect(text()).not.toContain(SECRET);
  });
});
