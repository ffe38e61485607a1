import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { MASK, NOT_SET, loadConfig, maskSecrets, secretValues } from '../../src/config/index.ts';
import { workDir } from './fixtures.ts';

describe('maskSecrets', () => {
  const env = { KRAKEN_API_KEY: 'kraken-key-abcdef', KRAKEN_API_SECRET: 'a3Jha2VuLXNlY3JldA==', TELEGRAM_BOT_TOKEN: '123456:AAbb-cc_dd' };

  it('inv. 7: replaces every set secret with a marker and says which are unset', () => {
    const masked = maskSecrets(loadConfig({ env, cwd: workDir() }));
    expect(masked.secrets).toEqual({
      krakenApiKey: MASK,
      krakenApiSecret: MASK,
      anthropicApiKey: NOT_SET,
      telegramBotToken: MASK,
      telegramWebhookSecret: NOT_SET,
      redisPassword: NOT_SET,
    });
    const printed = JSON.stringify(masked) + stringify(masked);
    for (const value of Object.values(env)) expect(printed).not.toContain(value);
  });

  it('keeps every other value', () => {
    const config = loadConfig({ env, cwd: workDir() });
    const { secrets: _, ...rest } = maskSecrets(config);
    const { secrets: __, ...expected } = config;
    expect(rest).toEqual(expected);
  });

  it('lists the set secret values for log scrubbing', () => {
    expect(secretValues(loadConfig({ env, cwd: workDir() })).sort()).toEqual(Object.values(env).sort());
  });
});
