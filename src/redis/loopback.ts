/**
 * A throwaway redis-server on 127.0.0.1 for tests and benches (Debian's `redis-server` package): a free
 * port, a temp folder, set up as a queue needs (noeviction, append-only file fsynced every write), no
 * snapshots. `restart` stops it cleanly and starts it again on the same port and folder, so what it
 * held comes back from the append-only file, as after a real restart.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisSetupError } from './connect.ts';

export interface LoopbackRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** SIGTERM (Redis flushes the append-only file and exits), then the same server again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The redis-server binary on PATH, or null. */
export function redisServerBinary(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function launch(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--logfile',
    '',
    '--loglevel',
    'notice',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.resume();
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(
        new RedisSetupError('unreachable', `redis-server on port ${port} exited with ${code} before it was ready (its output follows):\n${out.slice(-2000)}`),
      ),
    );
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startLoopbackRedis(binary = redisServerBinary()): Promise<LoopbackRedis> {
  if (!binary) throw new RedisSetupError('not_installed', 'no redis-server on PATH: install it (apt-get install -y redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'brain-redis-'));
  const port = await freePort();
  let child = await launch(binary, port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart() {
      await stopped(child);
      child = await launch(binary, port, dir);
    },
    async stop() {
      await stopped(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
