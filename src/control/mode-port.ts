/**
 * The mode port over mode_requests: reads on the console's connection, writes through `write` — the
 * daemon's writable console connection, or a short-lived one from the CLI on a stopped daemon.
 */
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { layersOf, liveIsolationRefusal } from '../health/isolation.ts';
import { probeIsolation, type Isolation } from '../sandbox/host/spawn.ts';
import type { Db } from '../db/index.ts';
import { modeRequestsRepo, type ModeRequestsRepo } from '../db/mode-requests.repo.ts';
import type { ModePort } from './ports.ts';

export interface ModePortOptions {
  running: ModePort['running'];
  read: Db;
  write: <T>(use: (repo: ModeRequestsRepo) => T) => T;
  clock: Clock;
  isolation: Config['isolation'];
  /** The sandbox's isolation on this host (default: probed once, as the boot does). */
  probe?: () => Isolation;
}

export function modePort(o: ModePortOptions): ModePort {
  return {
    running: o.running,
    // Prepared per call: a CLI reading a database no daemon of this version has migrated yet has no table.
    requested: () => modeRequestsRepo(o.read).latest(),
    record: (mode, by) => o.write((repo) => repo.record(mode, by, o.clock.now())),
    // The boot's own check: recording a live request it would refuse would leave the service restarting into a refusal.
    liveRefusal: () => liveIsolationRefusal({ mode: 'live', isolation: o.isolation }, layersOf((o.probe ?? probeIsolation)())),
  };
}
