/**
 * The supervisor's children: the table of every actor it invokes or spawns (stubs here, the real I/O
 * arrives through provide() from actors/supervisor), and the actions that spawn them at boot, follow the
 * feed lines and their back-fills, drop finished ones and stop them all at shutdown. `supervisorBase`
 * carries the machine's types and actors; the other supervisor-*.ts action files build on it and
 * supervisor.machine.ts joins them with `extend`.
 */
import { fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import { BREAKER_ACTOR_ID, breakerMachine } from './breaker.machine.ts';
import { positionMachine } from './position.machine.ts';
import { paperTestMachine } from './paper-test.machine.ts';
import { scannerMachine } from './scanner.machine.ts';
import * as evo from './supervisor-evolution.ts';
import { notProvided } from './shared.ts';
import { orchestratorCycleMachine } from './orchestrator-cycle.machine.ts';
import { connectionMachine } from './connection.machine.ts';
import * as feed from './supervisor-feed.ts';
import { cycleInputOf, CYCLE_CHILD_ID } from './supervisor-orchestrator.ts';
import * as boot from './supervisor-boot.ts';
import * as operator from './supervisor-operator.ts';
import { scannerId } from './supervisor-logic.ts';
import type {
  BootState,
  Chore,
  JournalCommand,
  SupervisorContext,
  SupervisorEmitted,
  SupervisorEvent,
  SupervisorInput,
  VenueWatchCommand,
} from './supervisor-types.ts';

export const supervisorBase = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
    emitted: {} as SupervisorEmitted,
  },
  actors: {
    position: positionMachine,
    breaker: breakerMachine,
    scanner: scannerMachine,
    /** The nightly cycle (spawned only when the input names its settings). */
    orchestratorCycle: orchestratorCycleMachine,
    paperTest: paperTestMachine,
    /** Hot-swaps the live strategy to a version (deploy) or back to the previous good one (rollback); reports strategy.activated / strategy.swapFailed. */
    switchStrategy: fromCallback<EventObject, { kind: 'deploy' | 'rollback'; versionId: string | null; by: string; reason: string; trigger: unknown }>(
      notProvided('supervisor.switchStrategy'),
    ),
    /** Watches the deployed version against its expectations (the trigger ladder); reports rollback.triggered. */
    rollbackWatch: fromCallback<EventObject, void>(notProvided('supervisor.rollbackWatch')),
    /** Opens the database (migrations) and takes the single-instance lock. */
    openStore: fromPromise<void, void>(notProvided('supervisor.openStore')),
    /** Pair rules and fees from the venue, the ledger from the fills, open orders checked by cl_ord_id, durable children loaded. */
    reconcile: fromPromise<BootState, void>(notProvided('supervisor.reconcile')),
    /** A Kraken WS line (connection.public; connection.private in live mode): its reports are followed by supervisor-feed.ts. */
    connection: connectionMachine,
    /** Fills a pair's candle hole by REST and reports market.candles.backfilled / backfillFailed. */
    backfillCandles: fromCallback<EventObject, feed.BackfillRequest>(notProvided('supervisor.backfillCandles')),
    /** The venue's fills as they happen: venue.fill. */
    venueWatch: fromCallback<VenueWatchCommand, void>(notProvided('supervisor.venueWatch')),
    /** Writes signals, fills and daily snapshots. */
    journal: fromCallback<JournalCommand, void>(notProvided('supervisor.journal')),
    cancelOrders: fromPromise<void, { clOrdIds: string[] }>(notProvided('supervisor.cancelOrders')),
    /** The timetable on the injected clock: schedule.* events. */
    scheduler: fromCallback<EventObject, void>(notProvided('supervisor.scheduler')),
    /** One housekeeping job; reports chore.done / chore.failed. */
    runChore: fromCallback<EventObject, { chore: Chore; now: number }>(notProvided('supervisor.runChore')),
    /** Closes the database and releases the lock (children have persisted themselves). */
    closeStore: fromPromise<void, void>(notProvided('supervisor.closeStore')),
  },
});

export const childrenActions = {
  /** Re-spawns the durable children from their rows (spawnChild takes no snapshot: input.resume). */
  spawnChildren: supervisorBase.enqueueActions(({ context: c, enqueue }) => {
    const b = c.boot!;
    enqueue.spawnChild('breaker', { id: BREAKER_ACTOR_ID, systemId: BREAKER_ACTOR_ID, input: boot.restoredBreakerInput(c, b) });
    const restored = b.positions.map((r) => boot.restoredPosition(r, c.now));
    for (const { input } of restored) enqueue.spawnChild('position', { id: input.positionId, input });
    for (const pair of c.pairs)
      enqueue.spawnChild('scanner', { id: scannerId(pair), input: { pair, timeframe: c.timeframe, strategyVersion: b.strategyVersion } });
    // The nightly cycle reads its own persisted row back (resuming) once the store is open.
    if (c.orchestrator) enqueue.spawnChild('orchestratorCycle', { id: CYCLE_CHILD_ID, input: cycleInputOf(c.orchestrator, c.now) });
    const tests = (b.paperTests ?? []).map((r) => evo.restoredPaperTestInput(r, c.now));
    for (const input of tests) enqueue.spawnChild('paperTest', { id: input.id, input });
    // Paper tests another process scheduled while the daemon was stopped start now, like any announced one.
    for (const t of b.scheduledPaperTests ?? []) enqueue.raise(t);
    // A passed paper test whose deploy a restart cut short is deployed again (idempotent: the same version).
    for (const d of b.pendingDeploys ?? [])
      enqueue.raise({
        type: 'strategy.deploy',
        versionId: d.versionId,
        by: `paperTest ${d.paperTestId}`,
        reason: 'passed its paper test (deploy resumed after a restart)',
      });
    const paperTests = tests.map((t) => ({ id: t.id, running: t.resume?.value !== 'scheduled' }));
    const lines = c.feed ? feed.initialFeed(c.feed.settings, c.pairs, b.candleTimes) : null;
    for (const line of lines ? feed.linesOf(lines, c.pairs, c.timeframe) : []) {
      enqueue.spawnChild('connection', { id: line.id, input: line.input });
      enqueue.sendTo(line.id, { type: 'connection.start' });
    }
    enqueue.assign({ slots: restored.map((p) => p.slot), boot: null, feed: lines, ...boot.restoredLevels(b), evolution: { ...c.evolution, paperTests } });
  }),
  /** A report of a connection child or of a candle back-fill, as supervisor-feed.ts plans it. */
  followFeed: supervisorBase.enqueueActions(({ context: c, event, enqueue, self }) => {
    const plan = c.feed && feed.isFeedReport(event) ? feed.feedPlan(c.feed, c.timeframe, event) : null;
    if (!plan) return;
    enqueue.assign({ feed: plan.feed, venueHealthy: plan.venueHealthy ?? c.venueHealthy });
    const children = self.getSnapshot().children;
    for (const t of plan.to) if (children[t.id]) enqueue.sendTo(t.id, t.event, t.delayMs === undefined ? undefined : { delay: t.delayMs });
    for (const id of plan.stop) if (children[id]) enqueue.stopChild(id);
    for (const r of plan.backfill) enqueue.spawnChild('backfillCandles', { id: feed.backfillId(r.pair), input: r });
    if (plan.line) enqueue.emit({ ...plan.line, at: c.now });
    const healthChange = operator.healthChange(c, plan);
    if (healthChange) enqueue.emit(healthChange);
    for (const alert of plan.alerts) enqueue.emit({ type: 'supervisor.alert', ...alert, at: c.now });
    for (const e of plan.raise) enqueue.raise(e as SupervisorEvent);
    for (const e of plan.own) enqueue.sendTo(self, e as SupervisorEvent);
  }),
  /**
   * A finished child leaves the supervisor: xstate keeps a done child in the snapshot until it is stopped,
   * so every closed position, chore and switch stayed in memory for the life of the process. Its final
   * state is on disk already (the persister hears the final snapshot before the parent hears it is done).
   */
  dropFinished: supervisorBase.enqueueActions(({ context, event, enqueue, self }) => {
    const id = event.type.slice('xstate.done.actor.'.length);
    enqueue.assign({ slots: context.slots.filter((s) => s.positionId !== id) });
    // Only the done one: a feed line that gave up may already be restarted under the same id.
    const child = self.getSnapshot().children[id];
    if (child?.getSnapshot().status === 'done') enqueue.stopChild(child);
  }),
  stopChildren: supervisorBase.enqueueActions(({ context: c, enqueue, self }) => {
    for (const id of Object.keys(self.getSnapshot().children)) if (id.startsWith('connection.') || id.startsWith('backfill.')) enqueue.stopChild(id);
    for (const pair of c.pairs) enqueue.stopChild(scannerId(pair));
    for (const s of c.slots) enqueue.stopChild(s.positionId);
    enqueue.stopChild(BREAKER_ACTOR_ID);
    if (c.orchestrator) enqueue.stopChild(CYCLE_CHILD_ID);
  }),
};
