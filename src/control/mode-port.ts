/**
 * The mode port over mode_requests: reads on the console's connection, writes through `write` — the
 * daemon's writable console connection, or a short-lived one from the CLI on a stopped daemon.
 */
import type { Clock } from '../clock/clock.ts';
import type { Db } from '../db/index.ts';
import { modeRequestsRepo, type ModeRequestsRepo } from '../db/mode-requests.repo.ts';
import type { ModePort } from './ports.ts';

export interface ModePortOptions {
  running: ModePort['running'];
  read: Db;
  write: <T>(use: (repo: ModeRequestsRepo) => T) => T;
  clock: Clock;
}

export function modePort(o: ModePortOptions): ModePort {
  return {
    running: o.running,
    // Prepared per call: a CLI reading a database no daemon of this version has migrated yet has no table.
    requested: () => modeRequestsRepo(o.read).latest(),
    record: (mode, by) => o.write((repo) => repo.record(mode, by, o.clock.now())),
  };
}
