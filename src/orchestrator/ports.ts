/**
 * The evolution ports wired to the pipeline itself, the one place the orchestrator meets src/evolution:
 * a candidate goes through `submitCandidate` over an evaluation opened for it (the version store, the
 * incumbent warm in its child, the candles: src/evolution/setup.ts), with the statistics checks
 * (src/evolution/statistics-check.ts) injected for statistics modules; a night without a model runs the
 * offline evolver (setup.ts `evolve`); the ledger is the candidate ledger. Inside the daemon `notify`
 * tells the supervisor of a paper test at once; from the CLI the row waits for the daemon's next boot.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import { shortHash } from '../evolution/content.ts';
import type { EvolverReport } from '../evolution/evolver.ts';
import type { PaperTestCommand } from '../evolution/paper-tests.ts';
import { evolve, openEvaluation, submitDeps, type CandleSource, type EvolutionSetupDeps } from '../evolution/setup.ts';
import { checkStatistics } from '../evolution/statistics-check.ts';
import { submitCandidate } from '../evolution/submit.ts';
import { Gates } from '../sandbox/gates/index.ts';
import { dbLedgerReader } from './context/ledger-reader.ts';
import type { EvolutionPorts } from './pipeline-port.ts';

export interface PipelineWiring {
  db: Db;
  /** The database file: a statistics candidate's queries run on their own read-only connection to it. */
  dbPath: string;
  config: Config;
  clock: Clock;
  repoRoot: string;
  filesRoot: string;
  log: Logger;
  /** The candles strategy candidates are judged on; default the candle store's last policy.dataDays of config.pairs. */
  candles?: CandleSource;
  /** Inside the daemon: the supervisor hears of a scheduled paper test at once. */
  notify?: (command: PaperTestCommand) => void;
}

/** One line for the night's record: what the evolver did and where its winner went. */
export function offlineSummary(r: EvolverReport): string {
  const o = r.outcome;
  const result =
    o?.status === 'paperTest' ? `winner ${shortHash(o.contentHash)} stored as ${o.versionId}, paper test ${o.paperTestId} scheduled`
      : o?.status === 'refused' ? `its best candidate was refused at ${o.stage} by ${o.failedGate}`
        : 'no candidate passed every gate; the incumbent stays';
  return `${r.drawn} drawn, ${r.screened} screened, ${r.fullyGated} through the full gates, ${r.passedGates} passed in ${(r.elapsedMs / 1000).toFixed(0)} s: ${result}`;
}

export function evolutionPorts(w: PipelineWiring): EvolutionPorts {
  let gates: Gates | null = null;
  const setup: EvolutionSetupDeps = {
    db: w.db, config: w.config, clock: w.clock, repoRoot: w.repoRoot, filesRoot: w.filesRoot, candles: w.candles ?? { pairs: w.config.pairs },
    log: w.log.child({ component: 'pipeline' }), ...(w.notify ? { notify: w.notify } : {}),
    checkStatistics: (versionId, source) => checkStatistics({ dbPath: w.dbPath, gates: (gates ??= new Gates(w.repoRoot)), log: w.log }, versionId, source),
  };
  return {
    ledger: dbLedgerReader(w.db),
    async submitCandidate(submission) {
      const ev = await openEvaluation(setup);
      try {
        return await submitCandidate(submitDeps(setup, ev), submission);
      } finally {
        await ev.close();
      }
    },
    async runOfflineNight() {
      const report = await evolve(setup, { ms: w.config.evolution.evolver.budgetMinutes * 60_000 });
      return { summary: offlineSummary(report), candidates: report.drawn };
    },
  };
}
