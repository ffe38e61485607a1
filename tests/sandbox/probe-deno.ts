/**
 * Runs a permission probe script directly under the child command line (no runner, Deno namespace intact),
 * to show that the second layer — Deno with no --allow-* inside unshare/prlimit — holds on its own.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childCommand, DEFAULT_SPAWN_LIMITS, probeIsolation } from '../../src/sandbox/host/spawn.ts';

const script = (port: number): string => `
const out = {};
const name = (e) => (e && e.name) || String(e);
const tryIt = async (k, fn) => { try { await fn(); out[k] = 'ALLOWED'; } catch (e) { out[k] = name(e); } };
await tryIt('read', () => Deno.readTextFile('/etc/hostname'));
await tryIt('write', () => Deno.writeTextFile('/tmp/brain-probe-write', 'x'));
await tryIt('env', () => Deno.env.get('HOME'));
await tryIt('run', () => new Deno.Command('/usr/bin/id').output());
await tryIt('ffi', () => Deno.dlopen('/lib/x86_64-linux-gnu/libc.so.6', {}));
await tryIt('net', async () => { const c = await Deno.connect({ hostname: '127.0.0.1', port: ${port} }); await c.write(new Uint8Array([1])); });
await tryIt('fsImport', async () => { const m = await import('node:fs'); m.readFileSync('/etc/hostname'); });
console.log(JSON.stringify(out));
`;

export async function runDenoProbe(port: number): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-probe-'));
  const file = join(dir, 'probe.js');
  writeFileSync(file, script(port), { mode: 0o444 });
  chmodSync(dir, 0o755);
  const [cmd, ...args] = childCommand(file, DEFAULT_SPAWN_LIMITS, probeIsolation());
  const child = spawn(cmd!, args, { cwd: '/', env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise((r) => child.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  try {
    return JSON.parse(text.trim()) as Record<string, string>;
  } catch {
    throw new Error(`probe output is not JSON: ${text.slice(0, 600)}`);
  }
}
