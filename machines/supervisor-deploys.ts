/**
 * The supervisor's evolution events: a strategy activated, deployed or rolled back (each swap a
 * switchStrategy child), and paper tests spawned, started, cancelled and ended (a pass is deployed).
 * The pure rules behind them (slots, cooldown, inputs) are in supervisor-evolution.ts.
 */
import { BREAKER_ACTOR_ID } from './breaker.machine.ts';
import * as evo from './supervisor-evolution.ts';
import { scannerId } from './supervisor-logic.ts';
import { supervisorBase } from './supervisor-children.ts';

export const deployActions = {
  /** The live host already runs the new version; each scanner switches at its next candle. Positions are not touched. */
  activateStrategy: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type !== 'strategy.activated') return;
    for (const pair of c.pairs) enqueue.sendTo(scannerId(pair), { type: 'strategy.activated', versionId: event.versionId });
    const { type: _type, ...activated } = event;
    enqueue.emit({ type: 'strategy.activated', ...activated, at: c.now });
    enqueue.assign({ evolution: evo.afterSwitch(c.evolution, event.kind, c.now) });
    enqueue.sendTo('rollbackWatch', { type: 'watch.reset', versionId: event.versionId, at: c.now });
  }),
  /** A paper test announced by a use case or found at boot: its machine is spawned (once) and started when a slot is free. */
  spawnPaperTest: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type !== 'paperTest.scheduled' || c.evolution.paperTests.some((t) => t.id === event.paperTestId)) return;
    enqueue.spawnChild('paperTest', { id: event.paperTestId, input: evo.paperTestInput(event, c.evolution.settings, c.now) });
    enqueue.assign({ evolution: { ...c.evolution, paperTests: [...c.evolution.paperTests, { id: event.paperTestId, running: false }] } });
  }),
  startPaperTests: supervisorBase.enqueueActions(({ context: c, enqueue }) => {
    const ids = evo.testsToStart(c.evolution);
    for (const id of ids) enqueue.sendTo(id, { type: 'paperTest.start', now: c.now });
    if (ids.length > 0) enqueue.assign({ evolution: evo.withStarted(c.evolution, ids) });
  }),
  cancelPaperTest: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type === 'paperTest.cancel' && c.evolution.paperTests.some((t) => t.id === event.paperTestId))
      enqueue.sendTo(event.paperTestId, { type: 'paperTest.cancel', by: event.by, now: c.now });
  }),
  /** A paper test ended: its slot frees; a pass is deployed. */
  endPaperTest: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type !== 'paperTest.passed' && event.type !== 'paperTest.failed' && event.type !== 'paperTest.cancelled') return;
    enqueue.assign({ evolution: evo.withoutTest(c.evolution, event.paperTestId) });
    enqueue.emit(event);
    if (event.type === 'paperTest.passed')
      enqueue.raise({ type: 'strategy.deploy', versionId: event.versionId, by: `paperTest ${event.paperTestId}`, reason: event.verdict.reason });
  }),
  switchStrategy: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
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
};
