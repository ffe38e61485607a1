/** evolution.runner / evolution.redisUrl: the in-process pool by default; Redis only with a URL, and never a password in it. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { redisLinkOf } from '../../src/redis/connect.ts';
import { problemsOf, workDir } from '../config/fixtures.ts';

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig({ env, argv, cwd: workDir({}) });

describe('the job runner settings', () => {
  it('default to the in-process pool, with no Redis', () => {
    const c = load([]);
    expect(c.evolution.runner).toBe('inProcess');
    expect(redisLinkOf(c)).toBeNull();
  });

  it('runner = redis without a URL names the key to set', () => {
    expect(problemsOf(() => load(['--set', 'evolution.runner=redis']))).toEqual([
      expect.stringMatching(
        /^evolution\.redisUrl must be set when evolution\.runner = "redis" \(redis:\/\/HOST:PORT of the job queue\); or set evolution\.runner = "inProcess"/,
      ),
    ]);
  });

  it('refuses a password in the URL (it would sit in a config file) and takes it from REDIS_PASSWORD', () => {
    const [line] = problemsOf(() => load(['--set', 'evolution.redisUrl=redis://:hunter2@10.0.0.5:6379']));
    expect(line).toMatch(
      /^evolution\.redisUrl must be empty or redis:\/\/HOST:PORT\[\/DB\] .*the password comes from REDIS_PASSWORD, got "redis:\/\/:hidden@10\.0\.0\.5:6379"/,
    );
    expect(line).not.toContain('hunter2');
    const c = load(['--set', 'evolution.runner=redis', '--set', 'evolution.redisUrl=redis://10.0.0.5:6379'], { REDIS_PASSWORD: 'hunter2-long' });
    expect(redisLinkOf(c)).toEqual({ url: 'redis://10.0.0.5:6379', password: 'hunter2-long' });
  });
});
