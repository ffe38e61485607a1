/**
 * The configuration the daemon boots with: the layers as `brain config` shows them, plus the trading mode
 * an operator recorded with /mode or `brain ctl mode` (the newest mode_requests row), which sits above the
 * environment and below the flags — so a chat command can switch an unattended daemon, and a --mode flag
 * on the server still has the last word. A recorded "live" that this boot would refuse (a Kraken key
 * missing, or the sandbox without its namespace layer) is not applied: the daemon boots as configured and
 * says why, because a chat command must never leave it unable to start.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveConfig, type Config, type LoadConfigOptions } from '../config/index.ts';
import { openDatabase } from '../db/index.ts';
import { modeRequestsRepo, recordedMode, requestSource } from '../db/mode-requests.repo.ts';
import { layersOf, liveIsolationRefusal } from '../health/isolation.ts';
import { probeIsolation, type Isolation } from '../sandbox/host/spawn.ts';

export interface BootConfig {
  config: Config;
  /** The layer that set config.mode: "default", a file, "env BRAIN_MODE", a recorded request, "flag --mode". */
  modeSource: string;
  /** Why a recorded request was not applied, for the log; null when nothing was skipped. */
  skipped: string | null;
}

/** The recorded request in force in the database at `dbPath`, or null (none, cleared with /mode config, no file yet, or a schema before mode_requests). */
export function recordedModeRequest(dbPath: string): ReturnType<typeof recordedMode> {
  if (dbPath === ':memory:' || !existsSync(dbPath)) return null;
  const db = openDatabase({ path: dbPath, readonly: true });
  try {
    return recordedMode(modeRequestsRepo(db).latest());
  } catch {
    // Not migrated yet: the daemon's own open migrates it; until then there is no request.
    return null;
  } finally {
    db.close();
  }
}

/** Why a recorded live request cannot apply to this configuration on this host, or null. */
function liveBlocked(config: Config, probe: () => Isolation): string | null {
  const { krakenApiKey, krakenApiSecret } = config.secrets;
  if (!krakenApiKey || !krakenApiSecret) return 'KRAKEN_API_KEY and KRAKEN_API_SECRET are not both set';
  return liveIsolationRefusal({ mode: 'live', isolation: config.isolation }, layersOf(probe()));
}

export function bootConfig(opts: LoadConfigOptions, probe: () => Isolation = probeIsolation): BootConfig {
  const first = resolveConfig(opts);
  const sourceOf = (sources: ReadonlyMap<string, string>) => sources.get('mode') ?? 'default';
  const request = recordedModeRequest(resolve(opts.cwd ?? process.cwd(), first.config.data.dbPath));
  if (!request) return { config: first.config, modeSource: sourceOf(first.sources), skipped: null };
  const blocked = request.mode === 'live' ? liveBlocked(first.config, probe) : null;
  if (blocked) {
    return {
      config: first.config,
      modeSource: sourceOf(first.sources),
      skipped: `the recorded request for live mode (${requestSource(request)}) is not applied: ${blocked}; running ${first.config.mode} mode`,
    };
  }
  const applied = resolveConfig({ ...opts, recorded: [{ path: ['mode'], value: request.mode, source: requestSource(request) }] });
  return { config: applied.config, modeSource: sourceOf(applied.sources), skipped: null };
}
