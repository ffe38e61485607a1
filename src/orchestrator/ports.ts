/**
 * The evolution ports this build wires by default: the ledger reads the database (context/ledger-reader.ts);
 * submitCandidate and runOfflineNight belong to the evolution pipeline (src/evolution/submit.ts and the
 * offline evolver). Until they are wired here, a night that reaches them fails closed with this reason:
 * nothing is submitted, the incumbent trades on. This function is the one place to wire them.
 */
import type { Db } from '../db/index.ts';
import { dbLedgerReader } from './context/ledger-reader.ts';
import type { EvolutionPorts } from './pipeline-port.ts';

export class PipelineNotWiredError extends Error {
  override readonly name = 'PipelineNotWiredError';
  readonly code = 'pipeline_not_wired';
  readonly retryable = false;
}

export function defaultEvolutionPorts(db: Db, wired: Partial<Omit<EvolutionPorts, 'ledger'>> = {}): EvolutionPorts {
  return {
    ledger: dbLedgerReader(db),
    submitCandidate:
      wired.submitCandidate ??
      (async () => {
        throw new PipelineNotWiredError('the evolution pipeline (submitCandidate, src/evolution/submit.ts) is not wired into this build: the candidate was not submitted and nothing deploys; wire it in src/orchestrator/ports.ts');
      }),
    runOfflineNight:
      wired.runOfflineNight ??
      (async () => {
        throw new PipelineNotWiredError('the offline evolver (runOfflineNight) is not wired into this build: the night without a model key did nothing; wire it in src/orchestrator/ports.ts');
      }),
  };
}
