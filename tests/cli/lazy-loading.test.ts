/**
 * Footprint (issue 17.8): the TypeScript compiler, esbuild, the model SDK, the chart renderer and the
 * Telegram bot load only where a strategy is gated or bundled, a model called, a chart drawn or the bot started. `brain help` loads no
 * package at all besides tsx, and importing the daemon (`brain run`'s module and its entry) loads none
 * of the heavy ones: a module hook in a child process lists every module resolved and who imported it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'brain-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hooks = pathToFileURL(join(PROJECT_ROOT, 'tests/cli/loaded-modules.hooks.mjs')).href;
const registerHooks = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(hooks)})`;
/** The packages, and the gates' own doors to the compiler (it is loaded with require, which the hook does not see). */
const HEAVY =
  /\/node_modules\/(typescript|esbuild|vega|vega-lite|@resvg\/resvg-js|grammy)\/|\/node_modules\/@anthropic-ai\/sdk\/(index|client)\.m?js|\/src\/sandbox\/gates\/(compiler|pipeline)\.ts/;

/** Packages (and gate modules) the child loaded, as "module <- importer", leaving out tsx's own (it runs the TypeScript). */
function loadedPackages(args: readonly string[], name: string): string[] {
  const out = join(dir, `${name}.txt`);
  const r = spawnSync(process.execPath, ['--import', registerHooks, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LOADED_MODULES_OUT: out },
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ') as [string, string])
    .filter(
      ([url, parent]) =>
        (url.includes('/node_modules/') || url.includes('/src/sandbox/gates/')) &&
        !parent.includes('/node_modules/tsx/') &&
        !url.includes('/node_modules/tsx/'),
    )
    .map(([url, parent]) => `${url.replace(/^.*\/(node_modules|src)\//, '/$1/')} <- ${parent.replace(/^.*\/(node_modules|src)\//, '')}`);
}

describe('heavy modules load only where they are used', () => {
  it('`brain help` loads no package besides tsx', () => {
    expect(loadedPackages(['src/cli/bin.mjs', 'help'], 'help')).toEqual([]);
  }, 60_000);

  it('importing the daemon (`brain run` and its entry) loads neither TypeScript, esbuild, the model SDK, vega nor grammy', () => {
    const probe = "await import('./src/cli/commands/run.ts'); await import('./src/daemon/entry.ts');";
    const loaded = loadedPackages(['--import', 'tsx', '--input-type=module', '-e', probe], 'daemon');
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((p) => HEAVY.test(p))).toEqual([]);
  }, 60_000);
});
