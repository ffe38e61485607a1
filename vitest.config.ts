import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Two cores on CI: forks keep native addons (libsql, talib) out of shared worker threads.
    pool: 'forks',
    // Vitest's default on 2 cores is ONE worker (cores - 1), and most of the suite's time is spent waiting on
    // child processes (the daemon, the Deno sandbox, Redis workers): two workers cut the wall time by about
    // a third on the 2-core CI machine. The count is fixed so a run is the same wherever it runs.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
