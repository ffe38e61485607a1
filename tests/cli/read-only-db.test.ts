/**
 * Issue 12: read-only commands work on a database they may not write (the daemon's, owned by another
 * user, or on a read-only mount). A real process as a user without write access: as root, chmod alone
 * would not stop the writes, so the commands then run as `nobody`.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { fakeIo } from './fake-io.ts';

let dir: string;
let seeded: string;
let bare: string;

/** Candles imported (a database `brain data import` made), optionally with the versions seeded; then made read-only. */
async function readOnlyDb(name: string, seed: boolean): Promise<string> {
  const db = join(dir, name, 'brain.db');
  expect(await main(['data', 'import', join(PROJECT_ROOT, 'data/sample'), '--db', db, '--pairs', 'BTC/USD'], fakeIo())).toBe(EXIT.ok);
  if (seed) expect(await main(['strategy', 'list', '--db', db], fakeIo())).toBe(EXIT.ok);
  // Closed cleanly: no -shm left, so SQLite cannot even create one in a folder it may not write.
  chmodSync(db, 0o444);
  chmodSync(join(dir, name), 0o555);
  return db;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brain-ro-'));
  chmodSync(dir, 0o755);
  seeded = await readOnlyDb('seeded', true);
  bare = await readOnlyDb('bare', false);
}, 90_000);

afterAll(() => {
  for (const name of ['seeded', 'bare']) chmodSync(join(dir, name), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function brainAsReader(args: string[], db: string) {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'src/cli/bin.mjs'), ...args, '--db', db], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '' },
    ...asNobody,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

describe('read-only commands on a database the user may not write', () => {
  it.concurrent('brain strategy list shows the versions', async () => {
    const r = await brainAsReader(['strategy', 'list'], seeded);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\* +v001 +sha256:\w+ +strategy +deployed/);
  }, 60_000);

  it.concurrent('brain strategy list on a database never seeded says so instead of failing on the seed write', async () => {
    const r = await brainAsReader(['strategy', 'list'], bare);
    expect(r.code).toBe(0);
    expect(r.out).toBe('no versions stored\n');
    expect(r.err).toContain('is read-only to this user, so v001 was not seeded');
  }, 60_000);

  it.concurrent('brain data gaps', async () => {
    const r = await brainAsReader(['data', 'gaps', '--pairs', 'BTC/USD'], seeded);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^BTC\/USD 5m: /);
  }, 60_000);
});
