/**
 * Real actors for machines/paper-test.machine.ts: the shadow (src/evolution/shadow.ts) fed the closed
 * candles the supervisor forwards, the judge (src/evolution/paper-judge.ts), and the persister that
 * writes machine_snapshots and mirrors the paper_tests row.
 */
import type { Logger } from 'pino';
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import {
  PAPER_TEST_MACHINE_VERSION,
  type JudgeInput,
  type PaperTestEvent,
  type PaperTestRecord,
  type PaperTestVerdict,
  type ShadowInput,
} from '../machines/paper-test.machine.ts';
import type { Clock } from '../src/clock/clock.ts';
import type { LedgerRepo, MachineSnapshotsRepo, PaperTestsRepo } from '../src/db/index.ts';
import { judgePaperTest, type JudgeDeps } from '../src/evolution/paper-judge.ts';
import { Shadow, type ShadowDeps } from '../src/evolution/shadow.ts';
import { persistOwnerState } from './durable.actors.ts';
import { toErrorInfo } from '../src/contract/errors.ts';

export interface PaperTestActorDeps {
  shadow: (versionId: string) => ShadowDeps;
  judge: JudgeDeps;
  paperTests: PaperTestsRepo;
  /** The candidate's ledger row hears how its paper test ended. */
  ledger: LedgerRepo;
  snapshots: MachineSnapshotsRepo;
  clock: Clock;
  log: Logger;
}

const FINAL = new Set(['passed', 'failed', 'cancelled']);

export function paperTestRow(r: PaperTestRecord, now: number) {
  const c = r.context;
  return {
    status: r.value,
    updatedAt: now,
    ...(c.startedAt !== null ? { startedAt: c.startedAt } : {}),
    ...(FINAL.has(r.value) ? { endedAt: c.now } : {}),
    ...(c.verdict ? { result: { ledgerId: c.ledgerId, trades: c.trades, ...c.verdict } as never } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.error ? { errorCode: c.error.code } : {}),
  };
}

/** The ledger row of the candidate: paper passed (awaiting its deploy), refused by the paper test's check, or cancelled. */
function ledgerOutcome(ledger: LedgerRepo, r: PaperTestRecord, now: number): void {
  const c = r.context;
  if (c.ledgerId === null || !ledger.byId(c.ledgerId)) return;
  const verdict = r.value === 'passed' ? 'passed' : r.value === 'cancelled' ? 'cancelled' : 'refused';
  const failedGate = r.value === 'failed' ? `paper:${c.verdict?.failedCheck ?? 'shadow'}` : null;
  ledger.update(c.ledgerId, { stage: 'paper', verdict, failedGate, reason: c.reason, updatedAt: now });
  ledger.addEvent({
    ledgerId: c.ledgerId,
    time: now,
    kind: `paperTest.${r.value}`,
    details: { paperTestId: c.id, reason: c.reason, error: c.error ?? null, verdict: c.verdict } as never,
  });
}

export function paperTestActors(deps: PaperTestActorDeps) {
  return {
    shadow: fromCallback<EventObject, ShadowInput>(({ input, receive, sendBack }) => {
      const log = deps.log.child({ paperTest: input.id });
      let queue: Promise<unknown> = Promise.resolve();
      let shadow: Shadow | null = null;
      let stopped = false;
      const report = (p: { trades: number; lastCandleTime: number; now: number } | null) => {
        if (p && !stopped) sendBack({ type: 'shadow.progress', ...p } satisfies PaperTestEvent);
      };
      const fail = (err: unknown) => {
        log.error({ err }, 'paper-test shadow failed');
        if (!stopped) sendBack({ type: 'shadow.failed', error: toErrorInfo(err) } satisfies PaperTestEvent);
      };
      // One queue: a candle never overtakes the start-up catch-up or another candle.
      queue = Shadow.start(deps.shadow(input.versionId), input).then(({ shadow: s, progress }) => {
        shadow = s;
        report(progress);
      }, fail);
      receive((e) => {
        if (e.type !== 'market.candle') return;
        const { pair, candle } = e as Extract<PaperTestEvent, { type: 'market.candle' }>;
        queue = queue.then(async () => (shadow ? report(await shadow.onCandle(pair, candle)) : undefined)).catch(fail);
      });
      return () => {
        stopped = true;
        void queue.finally(() => shadow?.close()).catch((err: unknown) => log.warn({ err }, 'closing the shadow child failed'));
      };
    }),
    judge: fromPromise<PaperTestVerdict, JudgeInput>(({ input }) => judgePaperTest(deps.judge, input)),
    persistState: persistOwnerState<PaperTestRecord['value'], PaperTestRecord['context']>({
      snapshots: deps.snapshots,
      clock: deps.clock,
      log: deps.log.child({ actor: 'paperTest' }),
      machine: 'paperTest',
      machineVersion: PAPER_TEST_MACHINE_VERSION,
      mirror: (record, now) => {
        if (deps.paperTests.byId(record.context.id)) deps.paperTests.update(record.context.id, paperTestRow(record, now));
        if (FINAL.has(record.value)) ledgerOutcome(deps.ledger, record, now);
      },
      isFinal: (record) => FINAL.has(record.value),
    }),
  };
}
