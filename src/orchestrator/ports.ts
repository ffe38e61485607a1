/**
 * The evolution ports wired to the pipeline itself, the one place the orchestrator meets src/evolution:
 * a candidate goes through `submitCandidate` over an evaluation opened for it (the version store, the
 * incumbent warm in its child, the candles: src/evolution/setup.ts), with the statistics checks
 * injected for statistics modules (pipelineSetup); a night without a model runs the offline evolver
 * (setup.ts `evolve`); the ledger is the candidate ledger. Inside the daemon `notify` tells the
 * supervisor of a paper test at once; from the CLI the row waits for the daemon's next boot.
 */
import { evolverSummary } from '../evolution/evolver.ts';
import { evolve, openEvaluation, pipelineSetup, submitDeps, type PipelineWiring } from '../evolution/setup.ts';
import { submitCandidate } from '../evolution/submit.ts';
import { dbLedgerReader } from './context/ledger-reader.ts';
import type { EvolutionPorts } from './pipeline-port.ts';

export type { PipelineWiring };

export function evolutionPorts(w: PipelineWiring): EvolutionPorts {
  const setup = pipelineSetup(w);
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
      return { summary: evolverSummary(report), candidates: report.drawn };
    },
  };
}
