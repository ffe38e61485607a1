/**
 * The console's EvolutionPort over the evolution use cases (src/evolution/deploy.ts, paper-tests.ts), one
 * implementation for both places it runs: inside the daemon the use cases' `control` and `notify` turn
 * each request into ONE event to the supervisor; from the CLI with no daemon they work on the database
 * under the single-instance lock, and the next boot starts what they wrote. Only what differs is passed
 * in (how the use cases' dependencies are opened, and whether an evolver can start here).
 */
import type { DeployDeps } from '../evolution/deploy.ts';
import { promote, rollback } from '../evolution/deploy.ts';
import { cancelPaperTest, PaperTestError, scheduledCommand, showPaperTest, type PaperTestDeps } from '../evolution/paper-tests.ts';
import { VersionStoreError } from '../versions/errors.ts';
import type { EvolutionPort, PipelineOutcome } from './ports.ts';

export interface EvolutionUseCases {
  deploy: DeployDeps;
  paper: PaperTestDeps;
}

export interface EvolutionPortOptions {
  /** 'daemon': the supervisor switches (hot swap at the next candle); 'database': the next boot starts it. */
  where: 'daemon' | 'database';
  /** The use cases' dependencies for one request, and how to release them (the offline lock and connection). */
  open(): Promise<{ deps: EvolutionUseCases; close(): void }>;
  /** Starts the offline evolver in this process; absent where it cannot run. */
  evolve?: (by: string) => Promise<PipelineOutcome>;
}

/** A refusal the operator can act on (unknown version, nothing to roll back, a finished test) is an answer, not a crash. */
async function answering(work: () => Promise<PipelineOutcome>): Promise<PipelineOutcome> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof VersionStoreError) return { ok: false, code: err.code === 'unknown_version' ? 'not_found' : 'refused', reason: err.message };
    if (err instanceof PaperTestError) return { ok: false, code: err.code === 'not_found' ? 'not_found' : 'refused', reason: err.message };
    throw err;
  }
}

export function evolutionPort(o: EvolutionPortOptions): EvolutionPort {
  const withDeps = (work: (d: EvolutionUseCases) => Promise<PipelineOutcome>) =>
    answering(async () => {
      const { deps, close } = await o.open();
      try {
        return await work(deps);
      } finally {
        close();
      }
    });
  const live = o.where === 'daemon';
  return {
    promote: (ref, by, force) =>
      withDeps(async (d) => {
        const out = await promote(d.deploy, ref, by, { force });
        if (!out.ok) return { ok: false, code: 'untested', reason: `${out.reason}; nothing was deployed. Add force to deploy it anyway.` };
        const v = out.version;
        const where = live
          ? 'is live: the scanners switch at their next candle'
          : 'is the active strategy in the database: the daemon starts it at its next boot';
        return { ok: true, versionId: v.id, message: `${v.label} ${v.id} ${where} (was ${out.from ?? 'none'}). Positions opened before stay open.` };
      }),
    rollback: (slot, by) =>
      withDeps(async (d) => {
        const r = await rollback(d.deploy, by, null, slot);
        const where =
          slot !== 'strategy' ? 'the next night reads it' : live ? 'the scanners switch at their next candle' : 'the daemon starts it at its next boot';
        return { ok: true, versionId: r.to.id, message: `${slot} rolled back from ${r.from} to ${r.to.label} ${r.to.id}: ${where}.` };
      }),
    evolve: (by) =>
      o.evolve
        ? o.evolve(by)
        : Promise.resolve({
            ok: false,
            code: 'refused',
            reason: 'The offline evolver starts from the running daemon (/evolve) or with `brain evolve` on the server.',
          }),
    startPaperTest: (id) =>
      withDeps(async (d) => {
        const t = showPaperTest(d.paper, id);
        if (t.status !== 'scheduled') return { ok: false, code: 'refused', reason: `paper test ${id} is ${t.status}, not waiting to start` };
        if (!live) return { ok: true, message: `paper test ${id} is scheduled: no daemon runs, so it starts at the daemon's next boot` };
        d.paper.notify?.(scheduledCommand(t));
        return { ok: true, message: `paper test ${id} of ${t.versionId} handed to the supervisor: it starts beside the incumbent as soon as a slot is free` };
      }),
    cancelPaperTest: (id, by) =>
      withDeps(async (d) => {
        const t = cancelPaperTest(d.paper, id, by);
        return {
          ok: true,
          message: live
            ? `paper test ${t.id} is being cancelled: its shadow stops and nothing is deployed`
            : `paper test ${t.id} cancelled in the database; nothing is deployed`,
        };
      }),
  };
}
