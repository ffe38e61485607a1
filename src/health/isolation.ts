/**
 * Which layers isolate a strategy child here, checked once at boot. The sandbox (src/sandbox/host/spawn.ts)
 * always runs Deno with no permissions under prlimit; where the OS allows, it adds a user+network
 * namespace (`unshare -Urn`: no network even if Deno had a bug) and, when running as root, a uid drop
 * (setpriv). A default Docker seccomp profile, a kernel with unprivileged user namespaces off, or
 * Ubuntu's AppArmor restriction silently removes the namespace layer: paper mode runs on with a warning,
 * live mode refuses to start (config isolation.requireNamespacesInLive) and says how to fix it.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Isolation } from '../sandbox/host/spawn.ts';

export interface IsolationLayers {
  readonly denoPermissions: true;
  readonly prlimit: true;
  readonly namespaces: boolean;
  readonly uidDrop: boolean;
}

export const layersOf = (iso: Isolation): IsolationLayers => ({ denoPermissions: true, prlimit: true, namespaces: iso.unshare, uidDrop: iso.dropUid });

export const NAMESPACE_FIX =
  'allow unprivileged user namespaces (sysctl user.max_user_namespaces > 0; Debian before 11: kernel.unprivileged_userns_clone=1; ' +
  'Ubuntu 23.10+: kernel.apparmor_restrict_unprivileged_userns=0), or under Docker start the container with the seccomp profile ' +
  'deploy/seccomp-brain.json (compose does); see docs/deploy.md "Sandbox isolation"';

/** Why live mode must not start here, or null when the required layers are present (or not required). */
export function liveIsolationRefusal(config: Pick<Config, 'mode' | 'isolation'>, layers: IsolationLayers): string | null {
  if (config.mode !== 'live' || !config.isolation.requireNamespacesInLive || layers.namespaces) return null;
  return (
    'live mode refused: the strategy sandbox cannot put its children in their own user and network namespace here ' +
    `(\`unshare -Urn true\` fails), so a strategy would share the host's network. Fix: ${NAMESPACE_FIX}; ` +
    'or accept Deno permissions and prlimit alone with --set isolation.requireNamespacesInLive=false'
  );
}

/** Logs the layers found and returns the refusal for live mode, if any. */
export function checkIsolationAtBoot(config: Pick<Config, 'mode' | 'isolation'>, probe: () => Isolation, log: Logger): string | null {
  const layers = layersOf(probe());
  log.info(
    { layers },
    `sandbox isolation: Deno permissions, prlimit${layers.uidDrop ? ', uid drop' : ''}${layers.namespaces ? ', user+network namespace' : ' (no namespace layer)'}`,
  );
  return liveIsolationRefusal(config, layers);
}
