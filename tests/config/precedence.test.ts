import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/index.ts';
import { workDir } from './fixtures.ts';

const settings = (mode: string, maxTokens: number) => `mode = "${mode}"\n[orchestrator]\nmaxTokens = ${maxTokens}\n`;

describe('config precedence: defaults < TOML < environment < flags', () => {
  it('uses the built-in defaults when there are no files, env or flags', () => {
    const config = loadConfig({ env: {}, cwd: workDir() });
    expect(config.mode).toBe('paper');
    expect(config.data.dbPath).toBe('data/brain.db');
    expect(config.trading.fallbackFees).toEqual({ maker: 0.0025, taker: 0.004 });
    expect(config.data.retention.candles1dDays).toBe('forever');
    expect(config.pairs).toHaveLength(9);
  });

  it('a TOML value overrides the default and leaves sibling keys at their defaults', () => {
    const cwd = workDir({ 'config/settings.toml': settings('paper', 4000) });
    const config = loadConfig({ env: {}, cwd });
    expect(config.orchestrator.maxTokens).toBe(4000);
    expect(config.orchestrator.dailyBudgetUsd).toBe(5);
  });

  it('an environment variable overrides the TOML file', () => {
    const cwd = workDir({ 'config/settings.toml': settings('paper', 4000) });
    const config = loadConfig({ env: { BRAIN_ORCHESTRATOR_MAX_TOKENS: '8000', BRAIN_PAIRS: 'BTC/USD, ETH/USD' }, cwd });
    expect(config.orchestrator.maxTokens).toBe(8000);
    expect(config.pairs).toEqual(['BTC/USD', 'ETH/USD']);
  });

  it('a flag overrides the environment', () => {
    const cwd = workDir({ 'config/settings.toml': settings('paper', 4000) });
    const config = loadConfig({
      env: { BRAIN_ORCHESTRATOR_MAX_TOKENS: '8000', BRAIN_DATA_DB_PATH: 'env.db' },
      argv: ['--set', 'orchestrator.maxTokens=9000', '--db', 'flag.db', '--log-level', 'debug'],
      cwd,
    });
    expect(config.orchestrator.maxTokens).toBe(9000);
    expect(config.data.dbPath).toBe('flag.db');
    expect(config.log.level).toBe('debug');
  });

  it('--mode live with Kraken keys from the environment overrides mode = "paper" in the file', () => {
    const cwd = workDir({ 'config/settings.toml': settings('paper', 4000) });
    const env = { KRAKEN_API_KEY: 'key-123', KRAKEN_API_SECRET: 'c2VjcmV0LXZhbHVl' };
    expect(loadConfig({ env, argv: ['--mode', 'live'], cwd }).mode).toBe('live');
  });

  it('the process environment wins over .env, and .env supplies what the environment lacks', () => {
    const cwd = workDir({ '.env': 'BRAIN_MODE=paper\nBRAIN_LOG_LEVEL=warn\nANTHROPIC_API_KEY="sk-from-dotenv"\n' });
    const config = loadConfig({ env: { BRAIN_LOG_LEVEL: 'error' }, cwd });
    expect(config.log.level).toBe('error');
    expect(config.secrets.anthropicApiKey).toBe('sk-from-dotenv');
  });

  it('an empty environment variable counts as unset, so the file value stays', () => {
    const cwd = workDir({ 'config/settings.toml': settings('paper', 4000), '.env': 'BRAIN_ORCHESTRATOR_MAX_TOKENS=5000\n' });
    const config = loadConfig({ env: { BRAIN_ORCHESTRATOR_MAX_TOKENS: '', BRAIN_MODE: '  ', KRAKEN_API_KEY: '' }, cwd });
    expect(config.orchestrator.maxTokens).toBe(5000);
    expect(config.mode).toBe('paper');
    expect(config.secrets.krakenApiKey).toBeUndefined();
  });

  it('--config-dir and --env-file pick other locations', () => {
    const cwd = workDir({ 'elsewhere/settings.toml': settings('paper', 3000), 'secrets/prod.env': 'BRAIN_LOG_LEVEL=fatal\n' });
    const config = loadConfig({ env: {}, argv: ['--config-dir', 'elsewhere', '--env-file', 'secrets/prod.env'], cwd });
    expect(config.orchestrator.maxTokens).toBe(3000);
    expect(config.log.level).toBe('fatal');
  });

  it('BRAIN_CONFIG_DIR picks the config folder when no flag does', () => {
    const cwd = workDir({ 'alt/settings.toml': settings('paper', 2000) });
    expect(loadConfig({ env: { BRAIN_CONFIG_DIR: 'alt' }, cwd }).orchestrator.maxTokens).toBe(2000);
  });

  it('BRAIN_RUNTIME belongs to the launcher (bin.mjs), not a setting: no config error', () => {
    expect(loadConfig({ env: { BRAIN_RUNTIME: 'tsx' }, cwd: workDir({}) }).mode).toBe('paper');
  });

  it('records where each value came from', () => {
    const cwd = workDir({ 'config/risk_limits.toml': '[risk]\nmaxOpenPositions = 2\n' });
    const { sources } = resolveConfig({ env: { BRAIN_MODE: 'paper' }, argv: ['--pairs', 'BTC/USD'], cwd });
    expect(sources.get('risk.maxOpenPositions')).toBe('config/risk_limits.toml');
    expect(sources.get('mode')).toBe('env BRAIN_MODE');
    expect(sources.get('pairs')).toBe('flag --pairs');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ env: {}, cwd: workDir() });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.risk)).toBe(true);
    expect(Object.isFrozen(config.pairs)).toBe(true);
  });
});
