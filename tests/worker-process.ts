/**
 * `brain worker` as its own process, started as an operator would start it: its own working directory,
 * config only from flags, nothing shared with the caller but Redis. For the tests and the evolver bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.ts';

export interface SpawnedWorker {
  readonly pid: number;
  /** Its BullMQ worker name (host:pid), as jobs record it in processedBy. */
  readonly name: string;
  readonly exited: Promise<number | null>;
  output(): string;
  /** SIGTERM (the running job finishes), then its working directory is removed. */
  stop(): Promise<void>;
}

/** `brain worker` as its own process, resolved once it takes jobs. */
export function spawnWorker(redis: { url: string; queue: string }, settings: Record<string, string | number> = {}): Promise<SpawnedWorker> {
  const cwd = mkdtempSync(join(tmpdir(), 'brain-worker-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BRAIN_')));
  const args = [
    'worker',
    '--set',
    `evolution.redisUrl=${redis.url}`,
    '--set',
    `evolution.queue.name=${redis.queue}`,
    '--log-level',
    'info',
    ...Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
  ];
  const child: ChildProcess = spawn(process.execPath, [join(PROJECT_ROOT, 'src/cli/bin.mjs'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('"msg":"worker taking jobs"')) return;
      child.stdout!.off('data', onData);
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      resolve({
        pid: child.pid!,
        name: `${hostname()}:${child.pid}`,
        exited,
        output: () => out,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
          rmSync(cwd, { recursive: true, force: true });
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => reject(new Error(`brain worker exited with ${code} before it took jobs:\n${out.slice(-3000)}`)));
  });
}
