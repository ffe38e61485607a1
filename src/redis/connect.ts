/**
 * Redis, only when configured (evolution.runner = "redis", or evolution.redisUrl for the key lease):
 * ioredis is imported here on first use, so a daemon, demo or test without Redis never loads it.
 * Every connection is checked at connect for what a job queue and a lease need (docs.bullmq.io, going
 * to production): `maxmemory-policy noeviction` (an evicted job, lock or lease vanishes silently) and
 * `appendonly yes` (a restart must not lose queued jobs). A Redis set up otherwise is refused.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BrainError } from '../contract/errors.ts';

export type { Redis } from 'ioredis';

export interface RedisLink {
  /** redis://host:port[/db] or rediss:// (TLS); no password in it (REDIS_PASSWORD). */
  readonly url: string;
  readonly password?: string | undefined;
}

export type RedisErrorCode = 'unreachable' | 'misconfigured' | 'bad_url' | 'not_installed';

export class RedisSetupError extends BrainError<RedisErrorCode> {
  override readonly name = 'RedisSetupError';
  constructor(code: RedisErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { domain: 'redis', code, retryable: code === 'unreachable', cause: options?.cause });
  }
}

/** The URL without credentials, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password || u.username) u.username = u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * ioredis options for a connection that waits out a Redis restart instead of failing its commands:
 * reconnect within two seconds, queue commands meanwhile, never give up on one (BullMQ's workers need
 * maxRetriesPerRequest = null anyway).
 */
export interface LinkOptions {
  readonly url: string;
  readonly password?: string;
  readonly maxRetriesPerRequest: null;
  readonly enableOfflineQueue: true;
  readonly retryStrategy: (times: number) => number;
}

export function redisOptions(link: RedisLink): LinkOptions {
  return {
    url: link.url,
    ...(link.password ? { password: link.password } : {}),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

function parseInfo(text: string): Map<string, string> {
  return new Map(
    text.split(/\r?\n/).flatMap((line) => {
      const at = line.indexOf(':');
      return at > 0 && !line.startsWith('#') ? [[line.slice(0, at), line.slice(at + 1).trim()] as [string, string]] : [];
    }),
  );
}

/** What is wrong with this Redis as a queue, or [] (read from INFO, which managed Redis services allow). */
export async function queueSettingProblems(client: Redis): Promise<string[]> {
  const info = parseInfo(`${await client.info('memory')}\n${await client.info('persistence')}`);
  const problems: string[] = [];
  const policy = info.get('maxmemory_policy') ?? 'unknown';
  if (policy !== 'noeviction') problems.push(`maxmemory-policy is ${policy}, must be noeviction (an evicted job, lock or lease would vanish without a trace)`);
  const aof = info.get('aof_enabled');
  if (aof !== '1') problems.push(`appendonly is ${aof === '0' ? 'no' : 'unknown'}, must be yes (a restart would lose the queued jobs)`);
  return problems;
}

/** Opens a connection, waits until it answers and checks its settings; throws a RedisSetupError naming what to do. */
export async function connectRedis(link: RedisLink, purpose: string, log?: Logger): Promise<Redis> {
  const where = redactRedisUrl(link.url);
  if (!/^rediss?:\/\//.test(link.url)) throw new RedisSetupError('bad_url', `${purpose}: ${where} is not a redis:// or rediss:// URL (evolution.redisUrl)`);
  const { Redis: Client } = await import('ioredis');
  const { url, ...options } = redisOptions(link);
  // Fail fast at connect (a wrong address must not hang boot); once up, the client reconnects for ever.
  const client = new Client(url, { ...options, lazyConnect: true, retryStrategy: () => null });
  // Without a listener ioredis prints every failed reconnect to stderr; a lost connection shows in the log instead.
  client.on('error', (err: Error) => log?.warn({ err: err.message, redis: where }, `${purpose}: Redis connection error; reconnecting`));
  try {
    await client.connect();
    const problems = await queueSettingProblems(client);
    if (problems.length > 0) {
      throw new RedisSetupError(
        'misconfigured',
        `${purpose}: Redis at ${where} is not set up as a job queue needs: ${problems.join('; ')}. ` +
          'Set `maxmemory-policy noeviction` and `appendonly yes` in redis.conf (or CONFIG SET both, then CONFIG REWRITE) and restart',
      );
    }
  } catch (err) {
    client.disconnect();
    if (err instanceof RedisSetupError) throw err;
    throw new RedisSetupError(
      'unreachable',
      `${purpose}: cannot reach Redis at ${where}: ${(err as Error).message}; start it or fix evolution.redisUrl (and REDIS_PASSWORD)`,
      { cause: err },
    );
  }
  client.options.retryStrategy = options.retryStrategy;
  return client;
}

/** The job queue's Redis when evolution.runner = "redis", else null. */
export function redisLinkOf(config: { evolution: { runner: string; redisUrl: string }; secrets: { redisPassword?: string | undefined } }): RedisLink | null {
  if (config.evolution.runner !== 'redis' || config.evolution.redisUrl === '') return null;
  return { url: config.evolution.redisUrl, password: config.secrets.redisPassword };
}
