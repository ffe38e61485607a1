/**
 * Redis for the tests that need it. .ci/run starts one redis-server for the whole run and passes its
 * URL in REDIS_TEST_URL; without it a test file starts its own loopback server (Debian's
 * redis-server on PATH). Only when there is no redis-server at all do these tests skip, saying so —
 * and never in CI: .ci/run sets REDIS_TESTS_REQUIRED=1, which turns the skip into a failure.
 */
import { randomUUID } from 'node:crypto';
import { redisServerBinary, startLoopbackRedis, type LoopbackRedis } from '../src/redis/loopback.ts';

const binary = redisServerBinary();
const shared = process.env['REDIS_TEST_URL'];
const required = process.env['REDIS_TESTS_REQUIRED'] === '1';

if (!binary && !shared && required) {
  throw new Error('REDIS_TESTS_REQUIRED=1 but there is no redis-server on PATH and no REDIS_TEST_URL: .ci/run must install and start Redis');
}

/** Whether Redis tests run here; when not, the reason for the skip line. */
export const REDIS_SKIP = binary || shared ? null : 'skipped: no redis-server on PATH (apt-get install -y redis-server; .ci/run installs it)';
if (REDIS_SKIP) console.warn(`Redis tests ${REDIS_SKIP}`);

/** Whether this machine can start its own redis-server (a test that restarts Redis needs one of its own). */
export const CAN_START_REDIS = binary !== null;

/** A queue name no other test file uses, so files sharing one Redis never see each other's jobs. */
export const uniqueQueue = (what: string) => `test-${what}-${randomUUID().slice(0, 8)}`;

/** The shared server of .ci/run, or one of this file's own (stopped by the returned function). */
export async function testRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (shared) return { url: shared, stop: async () => undefined };
  const server = await startLoopbackRedis(binary);
  return { url: server.url, stop: () => server.stop() };
}

/** A server of this test's own, for tests that restart it. */
export function ownRedis(): Promise<LoopbackRedis> {
  return startLoopbackRedis(binary);
}
