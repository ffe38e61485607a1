/**
 * The compiled build (src/build/bundle.ts): what `brain` runs from dist/ must behave as the sources do —
 * files read beside the code resolve into the checkout, the gate process runs from its own bundle — and
 * bin.mjs must never run a build older than the sources (src/build/current.mjs).
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, type BundleManifest } from '../../src/build/bundle.ts';
import { currentBundle } from '../../src/build/current.mjs';
import { PROJECT_ROOT } from '../../src/paths.ts';
import type { GateReply } from '../../src/sandbox/gates/child-process.ts';
import { RUNNER_FILE, runnerBundle } from '../../src/sandbox/host/runner-script.ts';

// Inside the checkout, as dist/ is: the bundles import their packages from its node_modules.
mkdirSync(join(PROJECT_ROOT, 'node_modules/.cache'), { recursive: true });
const scratch = mkdtempSync(join(PROJECT_ROOT, 'node_modules/.cache/brain-build-'));
const dist = join(scratch, 'dist');
let manifest: BundleManifest;

beforeAll(async () => {
  manifest = await buildBundles(dist);
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const brain = (args: string[], cwd: string) => spawnSync(process.execPath, [join(dist, 'brain.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

describe('the bundles', () => {
  it('list the sources they were built from, the entries and the modules they import among them', () => {
    expect(manifest.inputs).toEqual(expect.arrayContaining(['src/cli/entry.ts', 'src/sandbox/gates/child-main.ts', 'src/db/migrate.ts']));
    expect(manifest.inputs.some((f) => f.includes('node_modules'))).toBe(false);
  });

  it('keep lazy imports lazy: what brain.mjs loads before a command is chosen imports no package', () => {
    const files = new Set<string>();
    const packages = new Set<string>();
    const walk = (file: string): void => {
      if (files.has(file)) return;
      files.add(file);
      for (const [, spec] of readFileSync(join(dist, file), 'utf8').matchAll(/^import\s*(?:[^'"]*?from\s*)?["']([^'"]+)["']/gms))
        spec!.startsWith('./') ? walk(spec!.slice(2)) : packages.add(spec!);
    };
    walk('brain.mjs');
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(files.size).toBeLessThan(20);
  });

  it('run `brain` with the exit codes of the sources', () => {
    const ok = brain(['help'], scratch);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('commands:');
    expect(brain(['nope'], scratch).status).toBe(2);
  });

  it('read the files beside the code in the checkout: the migrations and the active strategy seed a new database', () => {
    const cwd = join(scratch, 'daemon');
    mkdirSync(cwd);
    const r = brain(['strategy', 'list'], cwd);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('seeded strategy v001');
    expect(r.stdout).toMatch(/v001 +sha256:\w+ +strategy +deployed/);
  });

  it('carry the sandbox runner byte for byte as esbuild bundles it when the sources run', async () => {
    expect(readFileSync(join(dist, RUNNER_FILE), 'utf8')).toBe(await runnerBundle());
    expect(manifest.inputs).toEqual(expect.arrayContaining(['src/sandbox/child/runner.ts', 'src/backtest/engine.ts']));
  });

  it('start the gate process from its own bundle, which passes the active strategy through the gates', async () => {
    const child = fork(join(dist, 'gate-child.mjs'), [PROJECT_ROOT], {
      cwd: PROJECT_ROOT,
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const source = readFileSync(join(PROJECT_ROOT, 'strategy/active/strategy.ts'), 'utf8');
    const reply = await new Promise<GateReply>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`gate child exited with ${code}`)));
      child.on('message', (m: GateReply | { ready: true }) => {
        if ('ready' in m) child.send({ id: 1, op: 'gate', input: { kind: 'strategy', source } });
        else resolve(m);
      });
    }).finally(() => child.kill());
    expect(reply).toMatchObject({ id: 1, ok: true, result: { ok: true } });
  }, 60_000);
});

describe('currentBundle (what bin.mjs runs)', () => {
  const root = join(scratch, 'root');
  const rootUrl = pathToFileURL(`${root}/`);
  const builtAt = Date.now();
  const setup = (inputs: Record<string, number>) => {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'dist'), { recursive: true });
    mkdirSync(join(root, 'src'));
    for (const [file, mtime] of Object.entries(inputs)) {
      writeFileSync(join(root, file), '');
      utimesSync(join(root, file), mtime / 1000, mtime / 1000);
    }
    writeFileSync(join(root, 'dist/manifest.json'), JSON.stringify({ builtAt, inputs: Object.keys(inputs) }));
  };

  it('is dist/brain.mjs while every input is older than the build', () => {
    setup({ 'src/a.ts': builtAt - 60_000, 'src/b.ts': builtAt - 1 });
    expect(currentBundle(rootUrl, {})?.href).toBe(new URL('dist/brain.mjs', rootUrl).href);
  });

  it('is null once a source is edited or removed after the build, without a manifest, or with BRAIN_RUNTIME=tsx', () => {
    setup({ 'src/a.ts': builtAt - 60_000, 'src/b.ts': builtAt + 1 });
    expect(currentBundle(rootUrl, {})).toBeNull();
    setup({ 'src/a.ts': builtAt - 60_000 });
    rmSync(join(root, 'src/a.ts'));
    expect(currentBundle(rootUrl, {})).toBeNull();
    setup({ 'src/a.ts': builtAt - 60_000 });
    expect(currentBundle(rootUrl, { BRAIN_RUNTIME: 'tsx' })).toBeNull();
    rmSync(join(root, 'dist/manifest.json'));
    expect(currentBundle(rootUrl, {})).toBeNull();
  });
});

describe('a rebuild', () => {
  it('keeps chunks of earlier builds a week (a running daemon may still load them), then removes them', async () => {
    const week = 7 * 24 * 3600_000;
    const old = join(dist, 'chunk-OLD.mjs');
    const recent = join(dist, 'chunk-RECENT.mjs');
    writeFileSync(old, '');
    writeFileSync(recent, '');
    utimesSync(old, (Date.now() - week - 60_000) / 1000, (Date.now() - week - 60_000) / 1000);
    await buildBundles(dist);
    expect([spawnSync('ls', [dist], { encoding: 'utf8' }).stdout.split('\n')].flat()).toEqual(expect.arrayContaining(['chunk-RECENT.mjs', 'brain.mjs']));
    expect(spawnSync('ls', [dist], { encoding: 'utf8' }).stdout).not.toContain('chunk-OLD.mjs');
  }, 60_000);
});
