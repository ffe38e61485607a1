/** Issue 12: `brain data compact` shows what it would delete and acts only with --yes. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { fakeIo } from './fake-io.ts';

const SAMPLE = join(PROJECT_ROOT, 'data/sample');

describe('brain data compact', () => {
  it('imported history older than the retention (counted from today) is listed, not deleted, without --yes', async () => {
    const io = fakeIo();
    const db = join(io.cwd, 'brain.db');
    expect(await main(['data', 'import', SAMPLE, '--db', db, '--pairs', 'BTC/USD'], io)).toBe(EXIT.ok);
    const count = () => {
      const repos = createRepositories(openDatabase({ path: db }));
      try {
        return repos.candles.count('BTC/USD', '5m');
      } finally {
        repos.db.close();
      }
    };
    const before = count();
    expect(before).toBeGreaterThan(6000);
    const dry = fakeIo();
    expect(await main(['data', 'compact', '--db', db, '--pairs', 'BTC/USD'], dry)).toBe(EXIT.ok);
    expect(dry.out()).toMatch(
      /retention counts back from now \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\) with data.retention 5m 90 days, 1h 730 days, 1d forever; compaction would delete:/,
    );
    expect(dry.out()).toMatch(new RegExp(`BTC/USD 5m: ${before} candles 2024-09-01 00:00 → .* fold into 1h candles and are deleted \\(older than `));
    expect(dry.out()).toContain('nothing was changed: run `brain data compact --yes` to do it');
    expect(count()).toBe(before);
    const done = fakeIo();
    expect(await main(['data', 'compact', '--yes', '--db', db, '--pairs', 'BTC/USD'], done)).toBe(EXIT.ok);
    expect(done.out()).toContain(`BTC/USD 5m → 1h: ${before} folded`);
    expect(count()).toBe(0);
  }, 60_000);
});
