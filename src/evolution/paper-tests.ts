/**
 * Paper tests as use cases (the CLI and the chat bot call these; the paper-test machine runs them): a
 * candidate that passed the gates is scheduled; the supervisor spawns its machine and gives it a slot
 * (evolution.paper.maxConcurrent). Inside a running daemon `notify` tells the supervisor at once; from
 * another process the CLI announces it over the control socket, and while no daemon runs the row is the
 * request its next boot reads.
 */
import type { Clock } from '../clock/clock.ts';
import type { LedgerRepo } from '../db/ledger.repo.ts';
import type { PaperTest, PaperTestsRepo } from '../db/paper-tests.repo.ts';
import type { PaperTestCommand } from '../../machines/supervisor-evolution.ts';
import type { EvolutionConfig } from './config.ts';
import { BrainError } from '../contract/errors.ts';

/** What the supervisor hears about paper tests from a use case: the event it spawns or cancels the test's machine on. */
export type { PaperTestCommand };

const DAY_MS = 86_400_000;

export interface PaperTestDeps {
  readonly paperTests: PaperTestsRepo;
  readonly clock: Pick<Clock, 'now'>;
  readonly evolution: EvolutionConfig;
  /** Present inside the daemon: the supervisor is told at once. */
  readonly notify?: (command: PaperTestCommand) => void;
  /** Without a daemon a cancel also closes the candidate's ledger row (the machine would have). */
  readonly ledger?: Pick<LedgerRepo, 'byId' | 'update' | 'addEvent'>;
}

/** The event that starts a scheduled test's machine: what `notify` sends, and what the daemon's boot raises for a row it finds. */
export function scheduledCommand(t: PaperTest): Extract<PaperTestCommand, { type: 'paperTest.scheduled' }> {
  return {
    type: 'paperTest.scheduled',
    paperTestId: t.id,
    versionId: t.versionId,
    incumbentId: t.baselineVersionId,
    ledgerId: (t.result as { ledgerId?: number } | null)?.ledgerId ?? null,
  };
}

export function paperTestIdFor(versionId: string, now: number): string {
  return `pt-${versionId.replace(/^sha256:/, '').slice(0, 10)}-${Math.floor(now / 1000).toString(36)}`;
}

export function schedulePaperTest(deps: PaperTestDeps, req: { versionId: string; incumbentId: string | null; ledgerId: number }): PaperTest {
  const now = deps.clock.now();
  const test: PaperTest = {
    id: paperTestIdFor(req.versionId, now),
    versionId: req.versionId,
    baselineVersionId: req.incumbentId,
    status: 'scheduled',
    startedAt: null,
    // The latest it can end if it started now; the machine sets the real deadlines when it starts.
    deadline: now + deps.evolution.paper.maxDays * DAY_MS,
    endedAt: null,
    result: { ledgerId: req.ledgerId },
    reason: null,
    createdAt: now,
    updatedAt: now,
  };
  deps.paperTests.insert(test);
  deps.notify?.(scheduledCommand(test));
  return test;
}

export function listPaperTests(deps: Pick<PaperTestDeps, 'paperTests'>, opts: { all?: boolean } = {}): PaperTest[] {
  return opts.all ? deps.paperTests.all() : deps.paperTests.active();
}

export class PaperTestError extends BrainError<'not_found' | 'finished'> {
  override readonly name = 'PaperTestError';
  constructor(code: 'not_found' | 'finished', message: string) {
    super(message, { domain: 'paper_test', code, retryable: false });
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
  if (!['scheduled', 'running', 'evaluating'].includes(t.status))
    throw new PaperTestError('finished', `paper test ${id} already ended ${t.status}; nothing to cancel`);
  if (deps.notify) {
    deps.notify({ type: 'paperTest.cancel', paperTestId: id, by });
    return t;
  }
  // No daemon runs: the row is the request (the next boot drops the test's machine) and the ledger hears it now.
  const now = deps.clock.now();
  const ledgerId = (t.result as { ledgerId?: number } | null)?.ledgerId;
  if (deps.ledger && ledgerId !== undefined && deps.ledger.byId(ledgerId)) {
    deps.ledger.update(ledgerId, { stage: 'paper', verdict: 'cancelled', reason: `cancelled by ${by}`, updatedAt: now });
    deps.ledger.addEvent({ ledgerId, time: now, kind: 'paperTest.cancelled', details: { paperTestId: id, by } });
  }
  return deps.paperTests.update(id, { status: 'cancelled', updatedAt: now, endedAt: now, reason: `cancelled by ${by}` });
}
