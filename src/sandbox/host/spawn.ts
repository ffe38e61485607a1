/**
 * How the child process is started: Deno with no permissions inside prlimit (RLIMIT_DATA caps
 * ArrayBuffers too, which the V8 heap flag does not) and, where the kernel allows it, unshare -Urn
 * (no network even if Deno had a bug) as an unprivileged uid. Probed once per process.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

export interface SpawnLimits {
  /** V8 old-space cap for the child, MiB. */
  heapMb: number;
  /** RLIMIT_DATA for the child, bytes (Deno needs >= ~768 MiB to boot). */
  dataBytes: number;
  seed: number;
}

export const DEFAULT_SPAWN_LIMITS: SpawnLimits = { heapMb: 256, dataBytes: 1024 * 1024 * 1024, seed: 1 };

/**
 * Set in every child's environment, over anything else: without TZ, V8 takes the zone from the
 * machine's /etc/localtime, and ICU takes the locale from LANG/LC_ALL, so Date#toString,
 * getTimezoneOffset, getHours, Date.parse of a local time, new Date(y, m, d) and every
 * toLocaleString answered differently on the VPS than in the backtest that gated the strategy.
 */
export const PINNED_ENV: Readonly<Record<string, string>> = Object.freeze({ TZ: 'UTC', LC_ALL: 'C', LANG: 'C' });

/** The child's whole environment: `inherited` (nothing, except for the canary's foreign run) under the pins. */
export function childEnvironment(inherited: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...inherited, ...PINNED_ENV };
}

export interface Isolation {
  unshare: boolean;
  dropUid: boolean;
}

let probed: Isolation | undefined;

export function denoBinary(): string {
  return createRequire(import.meta.url).resolve('deno/deno');
}

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', env: {}, timeout: 5000 });
  return r.status === 0;
}

/** Probes once whether the uid drop and the network/user namespace work here; warns loudly when not. */
export function probeIsolation(log?: Logger): Isolation {
  if (probed) return probed;
  const dropUid = process.getuid?.() === 0 && works('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', 'true']);
  const prefix = dropUid ? ['--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
  const unshare = dropUid ? works('setpriv', [...prefix, 'unshare', '-Urn', 'true']) : works('unshare', ['-Urn', 'true']);
  if (!unshare) {
    log?.warn(
      'SANDBOX DEGRADED: unshare -Urn is not available here (unprivileged user namespaces disabled?); strategy children keep the host network namespace and rely on Deno permissions alone',
    );
  }
  probed = { unshare, dropUid };
  return probed;
}

/** The full argv (command first) that starts one child on `scriptPath`. */
export function childCommand(scriptPath: string, limits: SpawnLimits, iso: Isolation): string[] {
  const deno = [
    denoBinary(),
    'run',
    '--quiet',
    '--no-remote',
    '--no-npm',
    '--no-config',
    '--no-lock',
    '--no-prompt',
    `--seed=${limits.seed}`,
    `--v8-flags=--max-old-space-size=${limits.heapMb},--disallow-code-generation-from-strings`,
    scriptPath,
  ];
  const prlimit = ['prlimit', `--data=${limits.dataBytes}`, '--core=0', '--nofile=64', '--'];
  const ns = iso.unshare ? ['unshare', '-Urn', '--'] : [];
  const uid = iso.dropUid ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
  return [...prlimit, ...uid, ...ns, ...deno];
}
