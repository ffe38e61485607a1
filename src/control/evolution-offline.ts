/**
 * The evolution use cases with no daemon running (`brain promote`, `brain rollback`, `brain papertest
 * cancel`, `brain ctl …` on a stopped daemon): under the single-instance lock, on a writable connection
 * of its own, so no daemon starts while the pointer or a paper test row changes; the next boot starts
 * what was written. The same port as the daemon's (evolution-port.ts), only opened differently.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { createRepositories, openDatabase, type Db } from '../db/index.ts';
import { acquirePidLock, databaseLockPath } from '../lock/index.ts';
import { openVersionStore, seedInitialVersions } from '../versions/seed.ts';
import { evolutionPort } from './evolution-port.ts';
import type { EvolutionPort } from './ports.ts';

export interface OfflineEvolutionOptions {
  dbPath: string;
  config: Config;
  clock: Clock;
  log: Logger;
  /** Where the v001 seed is read from (the installation). */
  repoRoot: string;
  /** Where the active module files are written (the working directory). */
  filesRoot: string;
}

export function offlineEvolution(o: OfflineEvolutionOptions): EvolutionPort {
  return evolutionPort({
    where: 'database',
    async open() {
      // The lock says no daemon runs on this database while we write, and keeps one from starting meanwhile.
      const lock = acquirePidLock({ path: databaseLockPath(o.dbPath) });
      let db: Db | undefined;
      try {
        db = openDatabase({ path: o.dbPath, logger: o.log });
        const store = openVersionStore({ db, clock: o.clock, repoRoot: o.repoRoot, filesRoot: o.filesRoot });
        await seedInitialVersions(store, o.repoRoot);
        const repos = createRepositories(db);
        const opened = db;
        return {
          deps: {
            deploy: { store, ledger: repos.ledger, paperTests: repos.paperTests, clock: o.clock },
            paper: { paperTests: repos.paperTests, clock: o.clock, evolution: o.config.evolution, ledger: repos.ledger },
          },
          close: () => {
            opened.close();
            lock.release();
          },
        };
      } catch (err) {
        db?.close();
        lock.release();
        throw err;
      }
    },
  });
}
