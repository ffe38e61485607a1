/**
 * The local control channel: a 0600 Unix socket, one JSON request and one answer per connection; bad
 * frames are answered with what was wrong and run nothing; no daemon (no socket, or a leftover file
 * nobody listens on) is told apart from a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callDaemon } from '../../src/control/socket/client.ts';
import { startControlServer, type ControlServer } from '../../src/control/socket/server.ts';
import { createLogger } from '../../src/log/index.ts';
import { controlDeps } from './fixtures.ts';

const quiet = createLogger({ level: 'silent', pretty: false, destination: { write: () => undefined }, secrets: [] });
const dirs: string[] = [];
const servers: ControlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'brain-sock-'));
  dirs.push(d);
  return d;
}

async function serve(path: string): Promise<ControlServer> {
  const s = await startControlServer({ path, deps: controlDeps(), log: quiet, audit: () => undefined });
  servers.push(s);
  return s;
}

/** Sends raw bytes and returns the raw answer. */
function raw(path: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path, () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (data += c));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('the control socket', () => {
  it("answers a request with the operation's reply, as the CLI reads it", async () => {
    const s = await serve(join(dir(), 'brain.sock'));
    const answer = await callDaemon(s.path, { name: 'count', words: [], user: 'alice', confirmed: false }, 5_000);
    expect(answer).toMatchObject({ kind: 'reply', reply: { ok: true, blocks: [{ kind: 'text', text: expect.stringMatching(/0 of 3 position slots used/) }] } });
    expect(await callDaemon(s.path, { name: 'kill', words: [], user: 'alice', confirmed: false }, 5_000)).toMatchObject({
      kind: 'reply',
      reply: { outcome: 'not_running' },
    });
  });

  it('bad frames are answered with what was wrong', async () => {
    const s = await serve(join(dir(), 'brain.sock'));
    expect(JSON.parse(await raw(s.path, 'hello\n'))).toEqual({ v: 1, kind: 'error', message: 'the request is not JSON; use the brain CLI' });
    expect(JSON.parse(await raw(s.path, '{"v":2,"name":"count","words":[],"user":"a","confirmed":false}\n')).message).toMatch(
      /^bad request: .*another version/,
    );
    expect(JSON.parse(await raw(s.path, `${'x'.repeat(20_000)}`)).message).toBe('request longer than 16384 bytes');
  });

  it('replaces a leftover socket file, and refuses a path too long to bind', async () => {
    const d = dir();
    writeFileSync(join(d, 'brain.sock'), 'left by a killed daemon');
    const s = await serve(join(d, 'brain.sock'));
    expect(await callDaemon(s.path, { name: 'count', words: [], user: 'a', confirmed: false }, 5_000)).toMatchObject({ kind: 'reply' });
    const tooLong = serve(join(d, 'x'.repeat(120), 'brain.sock'));
    await expect(tooLong).rejects.toThrow(/control\.socketPath is longer than 100 bytes, which a Unix socket cannot bind/);
    // A config problem: the CLI exits 78 with the key named, as for any other bad key.
    await expect(tooLong).rejects.toMatchObject({ domain: 'config', code: 'invalid_config' });
  });

  it('no daemon: no socket file, or a file nobody listens on, is null (the CLI then reads the database)', async () => {
    const d = dir();
    expect(await callDaemon(join(d, 'brain.sock'), { name: 'count', words: [], user: 'a', confirmed: false }, 5_000)).toBeNull();
    const s = await serve(join(d, 'gone.sock'));
    servers.splice(servers.indexOf(s), 1);
    await s.close();
    writeFileSync(join(d, 'gone.sock'), '');
    await expect(callDaemon(join(d, 'gone.sock'), { name: 'count', words: [], user: 'a', confirmed: false }, 5_000)).resolves.toBeNull();
  });
});
