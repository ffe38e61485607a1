/**
 * The kernel: boots the daemon (store → venue reconciliation → restored children → running), owns
 * pause/resume, emergency stop and shutdown, and alone routes intents: scanner intent → risk gate with
 * the breaker level (inv. 3) → a position child for an accepted entry, `position.close` to the open one
 * for an exit; every verdict is journalled (signals). No entries while paused or the venue is unhealthy
 * (inv. 5); exits always pass. Children talk to it only by events; its I/O is the named actors of
 * supervisor-children.ts.
 * The pure work behind its assigns and announcements is in supervisor-logic.ts (its start in supervisor-boot.ts,
 * the routing decision in src/trading/routing.ts); the data types in supervisor-types.ts. Its actions live by concern:
 * supervisor-children.ts (the actor table, spawning, the feed lines), supervisor-trading.ts (marks,
 * fills, balances, operator commands), supervisor-chores.ts (chores, the nightly cycle) and
 * supervisor-deploys.ts (deploys, rollbacks, paper tests); this file keeps boot, routing, alerts and the chart.
 */
import { assign, enqueueActions, raise } from 'xstate';
import type { RouteRefusal } from '../src/trading/routing.ts';
import * as evo from './supervisor-evolution.ts';
import * as boot from './supervisor-boot.ts';
import * as logic from './supervisor-logic.ts';
import { errorOf, scannerId } from './supervisor-logic.ts';
import { childrenActions, supervisorBase } from './supervisor-children.ts';
import { tradingActions } from './supervisor-trading.ts';
import { choreActions } from './supervisor-chores.ts';
import { deployActions } from './supervisor-deploys.ts';
import type { BootState, SupervisorEvent } from './supervisor-types.ts';

export { scannerId } from './supervisor-logic.ts';
export type * from './supervisor-types.ts';
export const SUPERVISOR_MACHINE_VERSION = '1';

/** The params each named action takes: only `route` has any (which refusal applies outside trading). */
type ActionParams = Record<
  keyof typeof childrenActions | keyof typeof tradingActions | keyof typeof choreActions | keyof typeof deployActions | 'adoptBoot' | 'fail' | 'alert',
  undefined
> & { route: { accepting: RouteRefusal | null } };

const supervisorSetup = supervisorBase.extend<ActionParams, { noPositions: undefined; rollbackAllowed: undefined }>({
  guards: {
    noPositions: ({ context }) => context.slots.length === 0,
    rollbackAllowed: ({ context }) => evo.cooldownOver(context.evolution, context.now),
  },
  actions: {
    ...childrenActions,
    ...tradingActions,
    ...choreActions,
    ...deployActions,
    adoptBoot: assign(({ event }) => boot.adoptedBoot((event as unknown as { output: BootState }).output)),
    fail: assign({ error: ({ event }) => errorOf(event) }),
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
    /** A failure report or a child's error: the operator hears of it; nothing stops. */
    alert: enqueueActions(({ context, event, enqueue }) => {
      const alert = logic.alertOf(event);
      if (alert) enqueue.emit({ type: 'supervisor.alert', ...alert, at: context.now });
    }),
  },
});

const journalled = { 'venue.fill': { actions: 'bookFill' }, 'position.fillFound': { actions: 'bookFill' } } as const;

export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  initial: 'booting',
  context: ({ input }) => boot.initialContext(input),
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
