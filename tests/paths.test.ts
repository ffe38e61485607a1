/**
 * No machine paths in the tree: a clone placed in any folder (with ../shared beside it) must read the
 * same files, so no source, test, bench, doc or config file may name a folder of one machine's layout.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SHARED_OHLCV_DIR, sharedOhlcvDir } from '../src/paths.ts';

const SCANNED = ['src', 'machines', 'actors', 'strategy', 'statistics', 'config', 'tests', 'bench', 'docs', 'deploy', '.ci', 'README.md'];
const TEXT = /\.(ts|mts|mjs|js|md|toml|sql|json|ya?ml|sh|service|conf|example)$|^run$|^Dockerfile/;

/**
 * Absolute paths that are the same on every Linux host (the OS's own folders and its temporary folder)
 * are allowed: escape tests probe /etc/passwd, a unit file names /usr/bin/node, the Dockerfile empties
 * /var/lib/apt/lists. `/opt/trading-brain` is
 * the install prefix that docs/operations.md and deploy/ document for a VPS. Anything else — a home
 * folder, a workspace, a mount — belongs to one machine.
 */
const PORTABLE = /^\/(tmp|var\/tmp|var\/lib\/apt|dev|proc|sys|etc|usr|bin|sbin|lib|lib64|run)(\/|$)|^\/opt\/trading-brain(\/|$)/;
const ABSOLUTE = /(?<=^|[\s"'`(=:,[])\/(?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+/g;
/** A path must have at least two segments to count (a lone `/v1` or `/status` is a URL route, not a folder). */
const MIN_SEGMENTS = 2;

function files(dir: string): string[] {
  const full = join(PROJECT_ROOT, dir);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(full);
  } catch {
    return [];
  }
  if (st.isFile()) return [full];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => join(full, f))
    .filter((f) => statSync(f).isFile() && TEXT.test(f.split(/[\\/]/).at(-1) ?? ''));
}

/** URL paths follow a host (`http://x/a/b`) or sit in a route table; only filesystem-looking roots count. */
function machinePaths(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    if (/https?:\/\/|wss?:\/\//.test(line) && !/\/(home|work|root|Users|mnt|srv|media)\//.test(line)) continue;
    for (const m of line.matchAll(ABSOLUTE)) {
      const path = m[0];
      if (path.split('/').filter(Boolean).length < MIN_SEGMENTS) continue;
      if (!/^\/(home|work|workspace|root|Users|mnt|srv|media|opt|data|var|scratch|private|Volumes|nix|snap)\//.test(path)) continue;
      if (!PORTABLE.test(path)) found.push(path);
    }
  }
  return found;
}

describe('paths', () => {
  it('no source, test, bench, doc or config file names an absolute path outside the OS folders', () => {
    const offenders = SCANNED.flatMap(files).flatMap((f) => machinePaths(readFileSync(f, 'utf8')).map((p) => `${relative(PROJECT_ROOT, f)}: ${p}`));
    expect(offenders).toEqual([]);
  });

  it('the check itself catches a workspace path, a home folder and a mount, and lets OS folders pass', () => {
    // Built from parts so that this file does not name them itself.
    const abs = (...parts: string[]): string => ['', ...parts].join('/');
    const workspace = abs('work', 'shared', 'data', 'ohlcv');
    const home = abs('home', 'alice', 'notes', 'x.md');
    const mount = abs('mnt', 'data', 'candles');
    expect(machinePaths(`const DATA = '${workspace}';`)).toEqual([workspace]);
    expect(machinePaths(`see ${home}`)).toEqual([home]);
    expect(machinePaths(`mounted at ${mount}`)).toEqual([mount]);
    expect(machinePaths("read '/etc/passwd' and write `/tmp/brain-x`; ExecStart=/usr/bin/node")).toEqual([]);
    expect(machinePaths('WorkingDirectory=/opt/trading-brain')).toEqual([]);
    expect(machinePaths('fetch(`${url}/0/private/AddOrder`)')).toEqual([]);
  });

  it('the shared candles are found from the project root, not the working directory', () => {
    expect(relative(PROJECT_ROOT, SHARED_OHLCV_DIR)).toBe(join('..', 'shared', 'data', 'ohlcv'));
    expect(sharedOhlcvDir()).toBe(SHARED_OHLCV_DIR);
  });
});
