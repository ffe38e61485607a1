/**
 * Issue 12: `brain run` exits with code 1 after a fatal error, with the database's lock released, instead
 * of printing the error and hanging (a keep-alive interval held the process until a signal, so systemd
 * never restarted it). A real process, because only a real process can hang.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `brain run ARGS` in a fresh working directory; resolves with its exit code and stderr, or kills it after `limitMs`. */
function brainRun(args: string[], prepare: (cwd: string) => void = () => undefined, limitMs = 60_000) {
  const cwd = mkdtempSync(join(tmpdir(), 'brain-exit-'));
  dirs.push(cwd);
  prepare(cwd);
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'src/cli/bin.mjs'), 'run', '--log-level', 'warn', ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise<{ code: number | null; stderr: string; cwd: string }>((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, cwd });
    });
  });
}

describe('brain run after a fatal error', () => {
  it.concurrent('Kraken unreachable at boot past its retries: exit 1, lock released', async () => {
    const r = await brainRun(['--set', 'kraken.restUrl=http://127.0.0.1:9', '--set', 'kraken.wsUrl=ws://127.0.0.1:9/v2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('brain run: [kraken.transient, retryable] Kraken AssetPairs failed');
    expect(existsSync(join(r.cwd, 'data', 'brain.db.lock'))).toBe(false);
  }, 90_000);

  it.concurrent('a corrupt database: exit 1 naming data.dbPath, lock released', async () => {
    const r = await brainRun([], (cwd) => {
      mkdirSync(join(cwd, 'data'));
      writeFileSync(join(cwd, 'data', 'brain.db'), 'this is not an SQLite file, it was overwritten by mistake'.repeat(100));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot use database .*brain\.db: .*data\.dbPath/);
    expect(existsSync(join(r.cwd, 'data', 'brain.db.lock'))).toBe(false);
  }, 90_000);
});
