import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { EXIT } from '../../src/cli/command.ts';
import { ConfigSchema, MASK, NOT_SET } from '../../src/config/index.ts';
import { fakeIo } from './fake-io.ts';

const SECRET = 'sk-ant-never-print-this-0123456789';

describe('brain config', () => {
  it('prints the effective config as TOML with secrets masked and the overrides with their source', async () => {
    const io = fakeIo({ 'config/risk_limits.toml': '[risk]\nmaxOpenPositions = 2\n' }, { ANTHROPIC_API_KEY: SECRET, BRAIN_LOG_LEVEL: 'warn' });
    expect(await main(['config', '--pairs', 'BTC/USD'], io)).toBe(EXIT.ok);
    const text = io.out();
    expect(text).not.toContain(SECRET);
    expect(text).toContain('#   risk.maxOpenPositions ← config/risk_limits.toml');
    expect(text).toContain('#   log.level ← env BRAIN_LOG_LEVEL');
    expect(text).toContain('#   pairs ← flag --pairs');
    const printed = parse(text) as { pairs: string[]; secrets: Record<string, string>; risk: { maxOpenPositions: number } };
    expect(printed.pairs).toEqual(['BTC/USD']);
    expect(printed.risk.maxOpenPositions).toBe(2);
    expect(printed.secrets.anthropicApiKey).toBe(MASK);
    expect(printed.secrets.krakenApiKey).toBe(NOT_SET);
  });

  it('prints JSON for tools', async () => {
    const io = fakeIo({}, { TELEGRAM_BOT_TOKEN: '123456:secret-token-value' });
    expect(await main(['config', '--format', 'json'], io)).toBe(EXIT.ok);
    const printed = JSON.parse(io.out()) as Record<string, unknown>;
    const { secrets, ...rest } = printed;
    const { secrets: _, ...defaults } = ConfigSchema.parse({});
    expect(rest).toEqual(defaults);
    expect(secrets).toMatchObject({ telegramBotToken: MASK });
    expect(io.out()).not.toContain('secret-token-value');
  });

  it('says when every key is at its default', async () => {
    const io = fakeIo();
    await main(['config'], io);
    expect(io.out()).toContain('# every key is at its built-in default');
  });

  it('--keys lists every key with its environment variable and meaning', async () => {
    const io = fakeIo();
    expect(await main(['config', '--keys'], io)).toBe(EXIT.ok);
    expect(io.out()).toContain('risk.maxPositionFraction = 0.1   [BRAIN_RISK_MAX_POSITION_FRACTION]');
    expect(io.out()).toContain('secrets.krakenApiSecret = (unset)   [KRAKEN_API_SECRET]');
  });

  it('an unknown --format is a usage error', async () => {
    const io = fakeIo();
    expect(await main(['config', '--format', 'yaml'], io)).toBe(EXIT.usage);
    expect(io.err().split('\n')[0]).toBe('brain config: --format must be toml or json, got "yaml"');
  });

  it('a bad configuration prints one line per bad key and exits 78', async () => {
    const io = fakeIo({ 'config/risk_limits.toml': '[risk]\nmaxPositionFraction = 5\n' }, { BRAIN_MODE: 'yolo' });
    expect(await main(['config'], io)).toBe(EXIT.config);
    const lines = io.err().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('brain config: [config.invalid_config] invalid configuration (run `brain config --keys` for every key):');
    expect(lines[1]).toBe('  mode must be one of paper, live, got "yolo" (env BRAIN_MODE)');
    expect(lines[2]).toBe('  risk.maxPositionFraction must be ≤ 1, got 5 (config/risk_limits.toml)');
    expect(io.out()).toBe('');
  });
});
