/**
 * Redis is optional (issue 19): the `brain` entry point with every command registered — the daemon,
 * the demo, `brain evolve` with the default in-process pool — loads neither BullMQ nor ioredis; only
 * `brain worker` or evolution.runner = "redis" does, on first use.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const probe = `
const { createRequire } = await import('node:module');
await import('./src/cli/main.ts');
await import('./src/daemon/entry.ts');
await import('./src/evolution/setup.ts');
const cache = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify(cache.filter((f) => /node_modules\\/(bullmq|ioredis)\\//.test(f))));
`;

describe('Redis stays optional', () => {
  it('loading the CLI, the daemon and the evolver loads neither bullmq nor ioredis', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual([]);
  }, 60_000);
});
