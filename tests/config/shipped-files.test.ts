import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, SECRET_ENV, describeKeys, loadConfig, resolveConfig } from '../../src/config/index.ts';
import { workDir } from './fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const shipped = (name: string) => readFileSync(`${repo}config/${name}`, 'utf8');

function leafKeys(node: unknown, prefix = ''): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

describe('the shipped config files', () => {
  it('load to exactly the built-in defaults', () => {
    const fromFiles = loadConfig({ env: {}, cwd: repo });
    const builtIn = loadConfig({ env: {}, cwd: workDir() });
    expect(fromFiles).toEqual(builtIn);
    expect(fromFiles).toEqual(ConfigSchema.parse({}));
  });

  it('set every key except the secrets', () => {
    const { sources } = resolveConfig({ env: {}, cwd: repo });
    const settable = describeKeys()
      .map((k) => k.key)
      .filter((k) => !k.startsWith('secrets.'));
    expect(settable.filter((k) => !sources.has(k))).toEqual([]);
  });

  it('comment every key on the line above it', () => {
    for (const name of ['settings.toml', 'risk_limits.toml']) {
      const lines = shipped(name).split('\n');
      const uncommented = lines
        .map((line, i) => ({ line, above: lines[i - 1] ?? '' }))
        .filter(({ line, above }) => /^\w+\s*=/.test(line) && !above.startsWith('#'))
        .map(({ line }) => `${name}: ${line}`);
      expect(uncommented).toEqual([]);
    }
  });

  it('.env.example names every secret and holds no value', () => {
    const example = shipped('.env.example');
    for (const name of Object.values(SECRET_ENV)) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
  });

  it('.env.example loads cleanly as a .env file', () => {
    const cwd = workDir({ '.env': shipped('.env.example') });
    expect(loadConfig({ env: {}, cwd })).toEqual(ConfigSchema.parse({}));
  });

  it('put risk limits only in risk_limits.toml', () => {
    expect(Object.keys(parse(shipped('risk_limits.toml')))).toEqual(['risk', 'rollback']);
    expect(leafKeys(parse(shipped('settings.toml'))).some((k) => k.startsWith('risk.'))).toBe(false);
  });
});

describe('the key table', () => {
  it('documents every key with an environment variable and a description', () => {
    const keys = describeKeys();
    expect(keys.filter((k) => k.description.length < 10)).toEqual([]);
    expect(new Set(keys.map((k) => k.env)).size).toBe(keys.length);
    expect(keys.find((k) => k.key === 'mode')?.env).toBe('BRAIN_MODE');
    expect(keys.find((k) => k.key === 'secrets.krakenApiSecret')?.env).toBe('KRAKEN_API_SECRET');
  });
});
