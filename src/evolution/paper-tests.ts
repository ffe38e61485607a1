/**
 * Paper tests as use cases (the CLI and the chat bot call these; the paper-test machine runs them): a
 * candidate that passed the gates is scheduled; the supervisor spawns its machine and gives it a slot
 * (evolution.paper.maxConcurrent). A running daemon hears of it through `notify`; from another process
 * (the CLI) the row is the request and the daemon's bridge picks it up.
 */
import type { Clock } from '../clock/clock.ts';
import type { PaperTest, PaperTestsRepo } from '../db/paper-tests.repo.ts';
import type { PaperTestCommand } from '../../machines/supervisor-evolution.ts';
import type { EvolutionConfig } from './config.ts';

/** What the supervisor hears about paper tests from a use case: the event it spawns or cancels the test's machine on. */
export type { PaperTestCommand };

const DAY_MS = 86_400_000;

export interface PaperTestDeps {
  readonly paperTests: PaperTestsRepo;
  readonly clock: Pick<Clock, 'now'>;
  readonly evolution: EvolutionConfig;
  /** Present inside the daemon: the supervisor is told at once. */
  readonly notify?: (command: PaperTestCommand) => void;
}

export function paperTestIdFor(versionId: string, now: number): string {
  return `pt-${versionId.replace(/^sha256:/, '').slice(0, 10)}-${Math.floor(now / 1000).toString(36)}`;
}

export function schedulePaperTest(deps: PaperTestDeps, req: { versionId: string; incumbentId: string | null; ledgerId: number }): PaperTest {
  const now = deps.clock.now();
  const test: PaperTest = {
    id: paperTestIdFor(req.versionId, now), versionId: req.versionId, baselineVersionId: req.incumbentId, status: 'scheduled', startedAt: null,
    // The latest it can end if it started now; the machine sets the real deadlines when it starts.
    deadline: now + deps.evolution.paper.maxDays * DAY_MS, endedAt: null, result: { ledgerId: req.ledgerId }, reason: null, createdAt: now, updatedAt: now,
  };
  deps.paperTests.insert(test);
  deps.notify?.({ type: 'paperTest.scheduled', paperTestId: test.id, versionId: test.versionId, incumbentId: test.baselineVersionId, ledgerId: req.ledgerId });
  return test;
}

export function listPaperTests(deps: Pick<PaperTestDeps, 'paperTests'>, opts: { all?: boolean } = {}): PaperTest[] {
  return opts.all ? deps.paperTests.all() : deps.paperTests.active();
}

export class PaperTestError extends Error {
  override readonly name = 'PaperTestError';
  constructor(
    readonly code: 'not_found' | 'finished',
    message: string,
  ) {
    super(message);
  }
}

export function showPaperTest(deps: Pick<PaperTestDeps, 'paperTests'>, id: string): PaperTest {
  const t = deps.paperTests.byId(id);
  if (!t) throw new PaperTestError('not_found', `no paper test ${id}; list them with 'brain papertest list --all'`);
  return t;
}

/** Cancels a test that has not finished; the running machine stops its shadow and ends in cancelled. */
export function cancelPaperTest(deps: PaperTestDeps, id: string, by: string): PaperTest {
  const t = showPaperTest(deps, id);
  if (!['scheduled', 'running', 'evaluating'].includes(t.status)) throw new PaperTestError('finished', `paper test ${id} already ended ${t.status}; nothing to cancel`);
  if (deps.notify) {
    deps.notify({ type: 'paperTest.cancel', paperTestId: id, by });
    return t;
  }
  // No daemon here: the row is the request; a daemon running elsewhere stops the machine when its bridge reads it.
  return deps.paperTests.update(id, { status: 'cancelled', updatedAt: deps.clock.now(), endedAt: deps.clock.now(), reason: `cancelled by ${by}` });
}
