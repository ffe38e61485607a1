/**
 * The kernel: boots the daemon (store → venue reconciliation → restored children → running), owns
 * pause/resume, emergency stop and shutdown, and alone routes intents: scanner intent → risk gate with
 * the breaker level (inv. 3) → a position child for an accepted entry, `position.close` to the open one
 * for an exit; every verdict is journalled (signals). No entries while paused or the venue is unhealthy
 * (inv. 5); exits always pass. Children talk to it only by events; its I/O is the named actors below.
 * The pure work behind its assigns and announcements is in supervisor-logic.ts (the routing decision in
 * src/trading/routing.ts); the data types in supervisor-types.ts.
 */
import { assign, enqueueActions, fromCallback, fromPromise, raise, setup, type EventObject } from 'xstate';
import { timeframeMs } from '../src/contract/index.ts';
import { portfolioRow, priceTriggers, type RouteRefusal } from '../src/trading/routing.ts';
import { BREAKER_ACTOR_ID, breakerMachine, type BreakerEmitted } from './breaker.machine.ts';
import { positionMachine, type PositionEmitted } from './position.machine.ts';
import { paperTestMachine } from './paper-test.machine.ts';
import { scannerMachine } from './scanner.machine.ts';
import * as evo from './supervisor-evolution.ts';
import { notProvided } from './shared.ts';
import { orchestratorCycleMachine, type CycleEmitted } from './orchestrator-cycle.machine.ts';
import { connectionMachine } from './connection.machine.ts';
import * as feed from './supervisor-feed.ts';
import { cycleAlertOf, cycleEventOf, cycleInputOf, CYCLE_CHILD_ID } from './supervisor-orchestrator.ts';
import * as logic from './supervisor-logic.ts';
import * as operator from './supervisor-operator.ts';
import { errorOf, scannerId } from './supervisor-logic.ts';
import { auditFailed } from './supervisor-audit.ts';
import * as account from './supervisor-account.ts';
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
import { describeError } from '../src/contract/errors.ts';

export { scannerId } from './supervisor-logic.ts';
export type * from './supervisor-types.ts';
export const SUPERVISOR_MACHINE_VERSION = '1';

const supervisorSetup = setup({
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
  guards: {
    noPositions: ({ context }) => context.slots.length === 0,
    rollbackAllowed: ({ context }) => evo.cooldownOver(context.evolution, context.now),
  },
  actions: {
    adoptBoot: assign(({ event }) => logic.adoptedBoot((event as unknown as { output: BootState }).output)),
    fail: assign({ error: ({ event }) => describeError(errorOf(event)) }),
    /** Re-spawns the durable children from their rows (spawnChild takes no snapshot: input.resume). */
    spawnChildren: enqueueActions(({ context: c, enqueue }) => {
      const b = c.boot!;
      enqueue.spawnChild('breaker', { id: BREAKER_ACTOR_ID, systemId: BREAKER_ACTOR_ID, input: logic.restoredBreakerInput(c, b) });
      const restored = b.positions.map((r) => logic.restoredPosition(r, c.now));
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
      enqueue.assign({ slots: restored.map((p) => p.slot), boot: null, feed: lines, ...logic.restoredLevels(b), evolution: { ...c.evolution, paperTests } });
    }),
    route: enqueueActions(({ context: c, event, enqueue }, p: { accepting: RouteRefusal | null }) => {
      const plan = event.type === 'scanner.intent' ? logic.planRoute(c, event.intent, p.accepting) : null;
      if (!plan) return;
      const { intent } = plan.announced;
      if (plan.spawn) {
        enqueue.spawnChild('position', { id: plan.spawn.input.positionId, input: plan.spawn.input });
        enqueue.assign({ seq: c.seq + 1, slots: [...c.slots, plan.spawn.slot] });
      }
      enqueue.sendTo(scannerId(intent.pair), { type: 'scanner.verdict', pair: intent.pair, candleTime: intent.candleTime, verdict: plan.verdict });
      if (plan.close) enqueue.sendTo(plan.close.positionId, { type: 'position.close', reason: 'signal', time: c.now, quantity: plan.close.quantity });
      enqueue.emit(plan.announced);
      if (plan.announced.type === 'intent.accepted') enqueue.sendTo('rollbackWatch', plan.announced);
    }),
    markPrice: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'market.price') return;
      enqueue.assign({ marks: { ...c.marks, [event.pair]: event.price }, now: Math.max(c.now, event.time) });
      for (const s of c.slots) if (s.pair === event.pair && priceTriggers(s, event.price)) enqueue.sendTo(s.positionId, event);
    }),
    /** A closed candle's close is its pair's mark; its close time moves the clock on. */
    takeCandle: assign(({ context: c, event }) =>
      event.type === 'market.candle'
        ? { marks: { ...c.marks, [event.pair]: event.candle.close }, now: Math.max(c.now, event.candle.time + timeframeMs(c.timeframe)) }
        : {},
    ),
    /** 00:00 UTC: the day closes on the clock even when no candle arrives (a quiet feed). */
    takeMidnight: assign({ now: ({ context: c, event }) => (event.type === 'schedule.dailySnapshot' ? Math.max(c.now, event.time) : c.now) }),
    /** The ledger marked at the context's marks and time (peak, UTC day roll); each day that closed is announced and journalled. */
    markToMarket: enqueueActions(({ context: c, enqueue }) => {
      const { ledger, closedDays } = logic.markedLedger(c.ledger, c.marks, c.now);
      enqueue.assign({ ledger });
      for (const cmd of closedDays) {
        enqueue.emit({ type: 'portfolio.daily', day: cmd.day });
        enqueue.sendTo('journal', cmd);
      }
    }),
    /** After a candle's mark: the breaker hears the equity, the journal one row per step, the pair's scanner the candle. */
    forwardCandle: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'market.candle') return;
      enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'portfolio.updated', view: logic.breakerView(c.ledger, c.now) });
      // One portfolio row per candle step (the first pair's candle marks the step), for drawdown and the truth benchmarks.
      if (event.pair === c.pairs[0])
        enqueue.sendTo('journal', { type: 'journal.portfolio', ...portfolioRow(c.ledger, c.marks, c.now) } satisfies JournalCommand);
      enqueue.sendTo(scannerId(event.pair), { type: 'market.candle', pair: event.pair, timeframe: c.timeframe, candle: event.candle, closed: true });
      for (const t of c.evolution.paperTests) if (t.running) enqueue.sendTo(t.id, event);
      if (event.pair === c.pairs[0]) enqueue.sendTo('rollbackWatch', { type: 'watch.equity', equity: c.ledger.lastEquity, at: c.now });
    }),
    /**
     * The one place a fill is booked and written (the journal is the fills table's only writer): a fill heard
     * from the venue, or found by a position asking the venue, once by trade id. A heard fill goes on, with
     * its order's status, to its position; a found one came from there.
     */
    bookFill: enqueueActions(({ context: c, event, enqueue }) => {
      if ((event.type !== 'venue.fill' && event.type !== 'position.fillFound') || c.seenTrades[event.fill.tradeId]) return;
      const { fill } = event;
      enqueue.assign(logic.bookedFill(c, fill));
      enqueue.sendTo('journal', { type: 'journal.fill', fill } satisfies JournalCommand);
      enqueue.emit({ type: 'order.filled', fill });
      enqueue.sendTo('rollbackWatch', { type: 'order.filled', fill });
      const heard = event.type === 'venue.fill' ? logic.fillForPosition(c.slots, fill, event.order) : null;
      if (heard) for (const e of heard.events) enqueue.sendTo(heard.positionId, e);
      const orphan = account.orphanFillAlert(c.slots, fill);
      if (orphan) enqueue.emit({ type: 'supervisor.alert', message: orphan, at: c.now });
    }),
    /** A report of a connection child or of a candle back-fill, as supervisor-feed.ts plans it. */
    followFeed: enqueueActions(({ context: c, event, enqueue, self }) => {
      const plan = c.feed && feed.isFeedReport(event) ? feed.feedPlan(c.feed, c.timeframe, event) : null;
      if (!plan) return;
      enqueue.assign({ feed: plan.feed, venueHealthy: plan.venueHealthy ?? c.venueHealthy });
      const children = self.getSnapshot().children;
      for (const t of plan.to) if (children[t.id]) enqueue.sendTo(t.id, t.event, t.delayMs === undefined ? undefined : { delay: t.delayMs });
      for (const id of plan.stop) if (children[id]) enqueue.stopChild(id);
      for (const r of plan.backfill) enqueue.spawnChild('backfillCandles', { id: feed.backfillId(r.pair), input: r });
      if (plan.line) enqueue.emit({ ...plan.line, at: c.now });
      for (const alert of plan.alerts) enqueue.emit({ type: 'supervisor.alert', ...alert, at: c.now });
      for (const e of plan.raise) enqueue.raise(e as SupervisorEvent);
      for (const e of plan.own) enqueue.sendTo(self, e as SupervisorEvent);
    }),
    forwardOrderUpdate: enqueueActions(({ context: c, event, enqueue }) => {
      const update = event.type === 'venue.orderUpdate' ? account.updateForPosition(c.slots, event) : null;
      if (update) enqueue.sendTo(update.positionId, update.event);
    }),
    /** Venue balances against the ledger: a mismatch is an alert and a breaker hold (reducing) until a check agrees again. */
    reconcileBalances: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'venue.balances') return;
      const { mismatches, alert } = account.balanceVerdict(c, event.balances);
      enqueue.emit({ type: 'balances.reconciled', mismatches, at: c.now });
      if (alert) enqueue.emit({ type: 'supervisor.alert', message: alert, at: c.now });
      enqueue.sendTo(BREAKER_ACTOR_ID, { type: alert ? 'breaker.hold' : 'breaker.release', reason: 'balance_mismatch', time: c.now });
    }),
    followPosition: enqueueActions(({ context: c, event, enqueue, self }) => {
      const report = event as PositionEmitted;
      const slots = logic.slotsAfter(c.slots, report);
      if (slots) enqueue.assign({ slots });
      if (report.type === 'position.exitBlocked') {
        enqueue.emit({ type: 'supervisor.alert', message: logic.exitBlockedAlert(report), at: c.now });
        // The holding the venue refuses to sell is probably not there: the balances will say.
        if (self.getSnapshot().children['venueWatch']) enqueue.sendTo('venueWatch', { type: 'venue.checkBalances' } satisfies VenueWatchCommand);
      }
      if (report.type === 'position.closed') {
        enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'trade.closed', pnl: report.pnl, time: report.at });
        enqueue.assign({ streak: report.pnl < 0 ? c.streak + 1 : 0, evolution: { ...c.evolution, canaryLeft: Math.max(0, c.evolution.canaryLeft - 1) } });
      }
      enqueue.emit(report);
      enqueue.sendTo('rollbackWatch', report);
    }),
    followBreaker: enqueueActions(({ event, enqueue }) => {
      const level = logic.breakerLevelOf(event.type);
      if (level) enqueue.assign({ breaker: level });
      if ('consecutiveLosses' in event) enqueue.assign({ streak: event.consecutiveLosses });
      enqueue.emit(event as BreakerEmitted);
    }),
    /**
     * One run of a chore at a time, so its report names its child: a slot that fires while the last run
     * still works is skipped (the next slot runs it) — and said, since a run that outlasts its period is stuck.
     */
    startChore: enqueueActions(({ context: c, event, enqueue, self }) => {
      const chore = logic.choreOf(event);
      if (chore && self.getSnapshot().children[choreId(chore)]) enqueue.emit({ type: 'supervisor.alert', message: logic.choreSkippedAlert(chore), at: c.now });
      else if (chore) enqueue.spawnChild('runChore', { id: choreId(chore), input: { chore, now: Math.max(c.now, (event as { time: number }).time) } });
      enqueue.assign({ seq: c.seq + 1 });
    }),
    /** A chore's child reports by event and never completes: stopped once it has reported, or every run stays in memory. */
    endChore: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'chore.done' || event.type === 'chore.failed') enqueue.stopChild(choreId(event.chore));
    }),
    /** A failed self-audit holds the breaker at reducing until an operator resumes (the alert is raised by 'alert'). */
    holdOnFailedAudit: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type === 'chore.done' && event.audit) enqueue.emit({ type: 'audit.finished', ...event.audit, at: c.now });
      if (event.type === 'chore.done' && auditFailed(event)) enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'breaker.hold', reason: 'audit_failed', time: c.now });
    }),
    adoptFees: assign({
      settings: ({ context: c, event }) => (event.type === 'chore.done' && event.fees ? logic.settingsWithFees(c, event.fees) : c.settings),
    }),
    announceOrchestratorSlot: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'schedule.orchestrator') enqueue.emit({ type: 'orchestrator.slot', due: event.due, at: event.time });
    }),
    /** The scheduler's slot or a run-now request goes to the cycle child; without one, run-now is an alert. */
    forwardToCycle: enqueueActions(({ context: c, event, enqueue }) => {
      const e = cycleEventOf(event);
      if (!e) return;
      if (c.orchestrator) enqueue.sendTo(CYCLE_CHILD_ID, e);
      else if (e.type === 'orchestrator.runNow')
        enqueue.emit({ type: 'supervisor.alert', message: 'no nightly orchestrator runs in this daemon (orchestrator.enabled = false)', at: c.now });
    }),
    /** The cycle's reports are announced; a failed night is an alert, and trading goes on. */
    followCycle: enqueueActions(({ context: c, event, enqueue }) => {
      const report = event as CycleEmitted;
      enqueue.emit(report);
      const alert = cycleAlertOf(report);
      if (alert) enqueue.emit({ type: 'supervisor.alert', ...alert, at: c.now });
    }),
    /** The live host already runs the new version; each scanner switches at its next candle. Positions are not touched. */
    activateStrategy: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'strategy.activated') return;
      for (const pair of c.pairs) enqueue.sendTo(scannerId(pair), { type: 'strategy.activated', versionId: event.versionId });
      const { type: _type, ...activated } = event;
      enqueue.emit({ type: 'strategy.activated', ...activated, at: c.now });
      enqueue.assign({ evolution: evo.afterSwitch(c.evolution, event.kind, c.now) });
      enqueue.sendTo('rollbackWatch', { type: 'watch.reset', versionId: event.versionId, at: c.now });
    }),
    /** A paper test announced by a use case or found at boot: its machine is spawned (once) and started when a slot is free. */
    spawnPaperTest: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'paperTest.scheduled' || c.evolution.paperTests.some((t) => t.id === event.paperTestId)) return;
      enqueue.spawnChild('paperTest', { id: event.paperTestId, input: evo.paperTestInput(event, c.evolution.settings, c.now) });
      enqueue.assign({ evolution: { ...c.evolution, paperTests: [...c.evolution.paperTests, { id: event.paperTestId, running: false }] } });
    }),
    startPaperTests: enqueueActions(({ context: c, enqueue }) => {
      const ids = evo.testsToStart(c.evolution);
      for (const id of ids) enqueue.sendTo(id, { type: 'paperTest.start', now: c.now });
      if (ids.length > 0) enqueue.assign({ evolution: evo.withStarted(c.evolution, ids) });
    }),
    cancelPaperTest: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type === 'paperTest.cancel' && c.evolution.paperTests.some((t) => t.id === event.paperTestId))
        enqueue.sendTo(event.paperTestId, { type: 'paperTest.cancel', by: event.by, now: c.now });
    }),
    /** A paper test ended: its slot frees; a pass is deployed. */
    endPaperTest: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type !== 'paperTest.passed' && event.type !== 'paperTest.failed' && event.type !== 'paperTest.cancelled') return;
      enqueue.assign({ evolution: evo.withoutTest(c.evolution, event.paperTestId) });
      enqueue.emit(event);
      if (event.type === 'paperTest.passed')
        enqueue.raise({ type: 'strategy.deploy', versionId: event.versionId, by: `paperTest ${event.paperTestId}`, reason: event.verdict.reason });
    }),
    switchStrategy: enqueueActions(({ context: c, event, enqueue }) => {
      if (event.type === 'strategy.deploy') {
        enqueue.spawnChild('switchStrategy', {
          id: `switch-${c.seq}`,
          input: { kind: 'deploy', versionId: event.versionId, by: event.by, reason: event.reason, trigger: null },
        });
      } else if (event.type === 'strategy.rollback') {
        enqueue.spawnChild('switchStrategy', {
          id: `switch-${c.seq}`,
          input: {
            kind: 'rollback',
            versionId: null,
            by: event.by,
            reason: event.trigger ? `${event.trigger.rung} trigger ${event.trigger.trigger}` : 'by hand',
            trigger: event.trigger,
          },
        });
        enqueue.emit({ type: 'strategy.rollingBack', by: event.by, trigger: event.trigger, at: c.now });
        if (event.trigger) {
          enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'breaker.hold', reason: 'rollback', time: c.now, until: c.now + c.evolution.settings.reducingMs });
          enqueue.emit({
            type: 'supervisor.alert',
            message: `rolling back: ${event.trigger.rung} trigger ${event.trigger.trigger} (${event.trigger.value.toPrecision(3)} vs ${event.trigger.threshold.toPrecision(3)}: ${event.trigger.detail}); new entries at reduced size`,
            at: c.now,
          });
        }
      }
      enqueue.assign({ seq: c.seq + 1 });
    }),
    setHealth: assign({ venueHealthy: ({ event, context }) => (event.type === 'venue.health' ? event.healthy : context.venueHealthy) }),
    /**
     * A finished child leaves the supervisor: xstate keeps a done child in the snapshot until it is stopped,
     * so every closed position, chore and switch stayed in memory for the life of the process. Its final
     * state is on disk already (the persister hears the final snapshot before the parent hears it is done).
     */
    dropFinished: enqueueActions(({ context, event, enqueue, self }) => {
      const id = event.type.slice('xstate.done.actor.'.length);
      enqueue.assign({ slots: context.slots.filter((s) => s.positionId !== id) });
      // Only the done one: a feed line that gave up may already be restarted under the same id.
      const child = self.getSnapshot().children[id];
      if (child?.getSnapshot().status === 'done') enqueue.stopChild(child);
    }),
    /** A failure report or a child's error: the operator hears of it; nothing stops. */
    alert: enqueueActions(({ context, event, enqueue }) => {
      const alert = logic.alertOf(event);
      if (alert) enqueue.emit({ type: 'supervisor.alert', ...alert, at: context.now });
    }),
    closeAll: enqueueActions(({ context: c, enqueue }) => {
      enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'breaker.halt', by: 'emergency', time: c.now });
      for (const s of c.slots) enqueue.sendTo(s.positionId, { type: 'position.close', reason: 'emergency', time: c.now });
    }),
    /** The operator's breaker resume/halt, forwarded to the breaker with the supervisor's time. */
    forwardToBreaker: enqueueActions(({ context: c, event, enqueue }) => {
      const command = operator.breakerCommand(event, c.now);
      if (command) enqueue.sendTo(BREAKER_ACTOR_ID, command);
    }),
    /** The operator's force exit: a manual close to each working position of the pair (or all). */
    forceExit: enqueueActions(({ context: c, event, enqueue }) => {
      for (const close of operator.forcedExits(c, event)) enqueue.sendTo(close.positionId, close.event);
    }),
    announceHealth: enqueueActions(({ context: c, event, enqueue }) => {
      const change = operator.healthChange(c, event);
      if (change) enqueue.emit(change);
    }),
    stopChildren: enqueueActions(({ context: c, enqueue, self }) => {
      for (const id of Object.keys(self.getSnapshot().children)) if (id.startsWith('connection.') || id.startsWith('backfill.')) enqueue.stopChild(id);
      for (const pair of c.pairs) enqueue.stopChild(scannerId(pair));
      for (const s of c.slots) enqueue.stopChild(s.positionId);
      enqueue.stopChild(BREAKER_ACTOR_ID);
      if (c.orchestrator) enqueue.stopChild(CYCLE_CHILD_ID);
    }),
  },
});

const choreId = (chore: Chore): string => `chore-${chore}`;

const journalled = { 'venue.fill': { actions: 'bookFill' }, 'position.fillFound': { actions: 'bookFill' } } as const;

export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  initial: 'booting',
  context: ({ input }) => logic.initialContext(input),
  // The rollback watch lives as long as the journal: fills and closes reach it in every state.
  invoke: [
    { id: 'journal', src: 'journal' },
    { id: 'rollbackWatch', src: 'rollbackWatch' },
  ],
  on: {
    ...journalled,
    'venue.orderUpdate': { actions: 'forwardOrderUpdate' },
    'venue.balances': { actions: 'reconcileBalances' },
    'position.*': { actions: 'followPosition' },
    'breaker.*': { actions: 'followBreaker' },
    'xstate.done.actor.*': { actions: 'dropFinished' },
    'xstate.error.actor.*': { actions: 'alert' },
    'market.price': { actions: 'markPrice' },
    'paperTest.scheduled': { actions: ['spawnPaperTest', 'startPaperTests'] },
    'paperTest.cancel': { actions: 'cancelPaperTest' },
    'paperTest.started': { actions: enqueueActions(({ event, enqueue }) => enqueue.emit(event as never)) },
    'paperTest.passed': { actions: ['endPaperTest', 'startPaperTests'] },
    'paperTest.failed': { actions: ['endPaperTest', 'startPaperTests'] },
    'paperTest.cancelled': { actions: ['endPaperTest', 'startPaperTests'] },
    'venue.health': { actions: ['announceHealth', 'setHealth'] },
    'scanner.failed': { actions: 'alert' },
    'orchestrator.runNow': { actions: 'forwardToCycle' },
    'connection.*': { actions: 'followFeed' },
    'feed.candle': { actions: 'followFeed' },
    'market.candles.*': { actions: 'followFeed' },
    'account.execution': { actions: 'followFeed' },
    'orchestrator.cycleStarted': { actions: 'followCycle' },
    'orchestrator.cycleFinished': { actions: 'followCycle' },
    'orchestrator.busy': { actions: 'followCycle' },
    'orchestrator.persistFailed': { actions: 'followCycle' },
    // Outside running (booting, emergency stop, halted) every entry is refused; exits still route.
    'scanner.intent': { actions: { type: 'route', params: { accepting: 'halted' } } },
  },
  states: {
    booting: {
      description: 'Store opened and locked, then the venue reconciled (orders by cl_ord_id, balances, fills), then the durable children restored.',
      initial: 'openingStore',
      states: {
        openingStore: {
          description: 'Opens the database (migrations) and takes the PID lock: a second daemon stops here.',
          invoke: { id: 'openStore', src: 'openStore', onDone: 'reconciling', onError: { target: '#supervisor.failed', actions: 'fail' } },
        },
        reconciling: {
          description: "Asks the venue about every order not final in our table and rebuilds the ledger from the fills: the venue's word wins.",
          invoke: {
            id: 'reconcile',
            src: 'reconcile',
            onDone: { target: 'restoring', actions: 'adoptBoot' },
            onError: { target: '#supervisor.failed', actions: 'fail' },
          },
        },
        restoring: {
          description: 'Re-spawns the breaker and every open position from their persisted rows, through their resuming states.',
          entry: 'spawnChildren',
          always: '#supervisor.running',
        },
      },
      on: { 'shutdown.requested': '#supervisor.shuttingDown' },
    },
    running: {
      description: 'Feed and scanners live; intents routed through the risk gate. Paused: exits still managed, no new entries.',
      entry: 'startPaperTests',
      // Fills are heard where orders are worked: running and emergencyStop (after boot has loaded the venue's tables).
      // Deploys, rollbacks and paper tests from other processes arrive as events over the control socket: nothing polls.
      invoke: [
        { id: 'venueWatch', src: 'venueWatch' },
        { id: 'scheduler', src: 'scheduler' },
      ],
      initial: 'trading',
      states: {
        trading: {
          description: 'Entries and exits both routed.',
          on: {
            'scanner.intent': { actions: { type: 'route', params: { accepting: null } } },
            'supervisor.pause': 'paused',
          },
        },
        paused: {
          description: 'New entries refused with reason "paused"; exits, SL/TP and fills still handled.',
          on: {
            'scanner.intent': { actions: { type: 'route', params: { accepting: 'paused' } } },
            'supervisor.resume': 'trading',
          },
        },
      },
      on: {
        'market.candle': { actions: ['takeCandle', 'markToMarket', 'forwardCandle'] },
        'schedule.dailySnapshot': { actions: ['takeMidnight', 'markToMarket', 'startChore'] },
        'schedule.feeRefresh': { actions: 'startChore' },
        'schedule.candleMaintenance': { actions: 'startChore' },
        'schedule.audit': { actions: 'startChore' },
        'schedule.backup': { actions: 'startChore' },
        'schedule.orchestrator': { actions: ['announceOrchestratorSlot', 'forwardToCycle'] },
        'chore.*': { actions: ['adoptFees', 'holdOnFailedAudit', 'alert', 'endChore'] },
        'strategy.activated': { actions: 'activateStrategy' },
        'strategy.swapFailed': { actions: 'alert' },
        'strategy.deploy': { actions: 'switchStrategy' },
        'strategy.rollback': { actions: 'switchStrategy' },
        'rollback.triggered': {
          guard: 'rollbackAllowed',
          actions: raise(({ event }) => ({
            type: 'strategy.rollback' as const,
            by: 'rollback watch',
            trigger: (event as Extract<SupervisorEvent, { type: 'rollback.triggered' }>).trigger,
          })),
        },
        'supervisor.emergencyStop': 'emergencyStop',
        'supervisor.breakerResume': { actions: 'forwardToBreaker' },
        'supervisor.breakerHalt': { actions: 'forwardToBreaker' },
        'supervisor.forceExit': { actions: 'forceExit' },
        'shutdown.requested': 'shuttingDown',
      },
    },
    emergencyStop: {
      description:
        'Halts the breaker, cancels working entry orders and market-closes every position; halted once every position has closed (fills verified by each position).',
      entry: 'closeAll',
      invoke: [
        { id: 'venueWatch', src: 'venueWatch' },
        {
          id: 'cancelOrders',
          src: 'cancelOrders',
          input: ({ context }) => ({ clOrdIds: logic.workingEntryOrders(context.slots) }),
          onError: { actions: 'alert' },
        },
      ],
      always: { guard: 'noPositions', target: 'halted' },
      on: { 'shutdown.requested': 'shuttingDown' },
    },
    halted: {
      description: 'Flat and halted: no scanning, no orders, until an operator resumes.',
      on: {
        'supervisor.resume': 'running',
        'supervisor.breakerResume': { actions: 'forwardToBreaker' },
        'supervisor.breakerHalt': { actions: 'forwardToBreaker' },
        'shutdown.requested': 'shuttingDown',
      },
    },
    shuttingDown: {
      description:
        'Connections, scanners and children stopped after their last persist; in-flight orders stay recorded for the next boot to reconcile; store closed.',
      entry: 'stopChildren',
      invoke: { id: 'closeStore', src: 'closeStore', onDone: 'stopped', onError: { target: 'stopped', actions: 'fail' } },
    },
    stopped: { type: 'final', description: 'Clean exit.' },
    failed: { type: 'final', description: 'Boot failed (store, lock or reconciliation): nothing was traded.' },
  },
});
