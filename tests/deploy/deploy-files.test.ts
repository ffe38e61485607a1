/**
 * deploy/: the systemd unit, the Dockerfile, the compose file and the seccomp profile. No Docker engine
 * runs where these tests run, so the image is never built here: the Dockerfile goes through a linter
 * (dockerfile-utils) and the essentials below; the unit goes through `systemd-analyze verify` when
 * systemd is installed; every file is checked against what the daemon and its sandbox need.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/index.ts';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const read = (name: string) => readFileSync(`${DEPLOY}${name}`, 'utf8');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** The unit's [Service] (and [Unit]) keys, repeated keys kept in order. */
function unitKeys(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) keys.set(m[1]!, [...(keys.get(m[1]!) ?? []), m[2]!]);
  }
  return keys;
}

describe('the systemd unit', () => {
  const unit = read('trading-brain.service');
  const keys = unitKeys(unit);
  const one = (k: string) => keys.get(k)?.at(-1);

  it('is Type=notify with a watchdog the daemon can feed through systemd-notify, and restarts on failure only', () => {
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all');
    expect(Number(one('WatchdogSec'))).toBeGreaterThanOrEqual(10);
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')?.split(' ')).toEqual(expect.arrayContaining(['2', '78']));
    // No --mode: a flag would pin the mode against /mode; config/settings.toml ships paper.
    expect(one('ExecStart')).toMatch(/^\/usr\/bin\/node src\/cli\/bin\.mjs run$/);
    expect(one('RestartForceExitStatus')).toBe('75');
  });

  it('gives the graceful shutdown more time than its 30 s deadline and signals the daemon alone', () => {
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(30);
    expect(one('KillMode')).toBe('mixed');
    expect(one('KillSignal')).toBe('SIGTERM');
  });

  it('is hardened without breaking the sandbox: namespaces for unshare -Urn, W+X for the JIT, writable data', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(keys.get('ReadWritePaths')!.join(' ')).toContain('/opt/trading-brain/data');
    expect(one('RestrictNamespaces')?.split(' ').sort()).toEqual(['net', 'user']);
    expect(keys.has('PrivateUsers')).toBe(false);
    expect(keys.has('MemoryDenyWriteExecute')).toBe(false);
    expect(one('RestrictAddressFamilies')).toContain('AF_UNIX');
  });

  it.runIf(has('systemd-analyze'))('passes systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', `${DEPLOY}trading-brain.service`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('the Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => /^[A-Z]+ /.test(l));
  const of = (name: string) => instructions.filter((l) => l.startsWith(`${name} `));

  it('passes the linter (dockerfile-utils, the validator of the VS Code Docker language server)', () => {
    expect(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds on Debian slim (glibc: the sandbox Deno has no musl build), never Alpine', () => {
    expect(of('FROM').length).toBeGreaterThan(0);
    for (const from of of('FROM')) expect(from).toMatch(/^FROM node:20-bookworm-slim( AS \w+)?$/);
    expect(instructions.join('\n')).not.toMatch(/alpine/i);
  });

  it('runs as the non-root node user under tini, in exec form, with the sandbox tools installed', () => {
    expect(of('USER').at(-1)).toBe('USER node');
    expect(of('ENTRYPOINT')).toEqual(['ENTRYPOINT ["/usr/bin/tini", "--"]']);
    expect(JSON.parse(of('CMD').at(-1)!.slice(4))).toEqual(['node', 'src/cli/bin.mjs', 'run']);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends tini util-linux/);
  });

  it("sets the unit's environment (the memory settings the footprint bench measures with), no more, no less", () => {
    const env = of('ENV').map((l) => l.slice(4));
    expect(env.sort()).toEqual([...(unitKeys(read('trading-brain.service')).get('Environment') ?? [])].sort());
  });

  it('installs without the prepare script where the sources are absent, and builds dist/ once they are copied', () => {
    const runs = of('RUN');
    const ci = runs.findIndex((r) => r.includes('npm ci'));
    expect(runs[ci]).toMatch(/npm pkg delete scripts\.prepare && npm ci/);
    const copy = instructions.indexOf('COPY . .');
    const build = instructions.indexOf('RUN npm run build');
    expect(copy).toBeGreaterThan(-1);
    expect(build).toBeGreaterThan(copy);
    expect(instructions.indexOf('USER node')).toBeGreaterThan(build);
    expect(read('../.dockerignore').split('\n')).toContain('dist');
  });

  it('keeps the data on a volume and checks /livez on the default health port', () => {
    expect(of('VOLUME')).toEqual(['VOLUME ["/opt/trading-brain/data"]']);
    const check = of('HEALTHCHECK')[0]!;
    expect(check).toContain('/livez');
    expect(check).toContain(`|| ${ConfigSchema.parse({}).health.port})`);
  });
});

describe('the compose file and the seccomp profile', () => {
  const compose = read('compose.yaml');
  const profile = JSON.parse(read('seccomp-brain.json')) as { defaultAction: string; syscalls: Array<{ names: string[]; action: string }> };
  const blocked = new Set(profile.syscalls.filter((s) => s.action === 'SCMP_ACT_ERRNO').flatMap((s) => s.names));

  it('runs the image with the project seccomp profile, no capabilities, no new privileges, keys from .env and a data volume', () => {
    expect(compose).toContain('- seccomp=./seccomp-brain.json');
    expect(compose).toContain('- no-new-privileges:true');
    expect(compose).toMatch(/cap_drop: \[ALL\]/);
    expect(compose).toMatch(/env_file: \.\.\/\.env/);
    expect(compose).toMatch(/- brain-data:\/opt\/trading-brain\/data/);
    // Uncapped: Docker's on-failure:N counts restarts over the container's life, not in a window.
    expect(compose).toMatch(/restart: on-failure\n/);
  });

  it('lets the sandbox create its user and network namespace and blocks the kernel interfaces a trader never needs', () => {
    for (const needed of ['unshare', 'clone', 'clone3', 'prlimit64', 'setresuid']) expect(blocked.has(needed), needed).toBe(false);
    for (const denied of ['mount', 'setns', 'ptrace', 'bpf', 'keyctl', 'kexec_load', 'init_module', 'userfaultfd', 'perf_event_open', 'io_uring_setup']) {
      expect(blocked.has(denied), denied).toBe(true);
    }
  });

  it.runIf(has('docker-compose'))('is a valid compose file (docker-compose config, on a copy beside an empty .env)', () => {
    const root = mkdtempSync(join(tmpdir(), 'brain-compose-'));
    try {
      cpSync(DEPLOY, join(root, 'deploy'), { recursive: true });
      writeFileSync(join(root, '.env'), '');
      const r = spawnSync('docker-compose', ['-f', 'compose.yaml', 'config', '-q'], { cwd: join(root, 'deploy'), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
