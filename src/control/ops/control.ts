/**
 * Control: /pause, /resume, /stop, /kill, /forceexit. Each sends ONE event to the supervisor (or asks the
 * daemon's entry to stop, as a signal would) and reports the outcome it sees in the supervisor's snapshot;
 * the positions' own fills come as exit notifications. Nothing here touches a child or a table.
 */
import type { Pair } from '../../contract/index.ts';
import { args, NO_ARGS, pairOrAll } from '../args.ts';
import { signedUsd } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import type { SupervisorView } from '../ports.ts';
import { done, refused, table, text, type Reply } from '../reply.ts';
import { live, needsSupervisor, notRunning, repos, untraded } from './common.ts';

const timeoutMs = (deps: ControlDeps) => deps.config.control.timeoutSeconds * 1000;

/** The closed positions among `ids` with their P&L, and those still working. */
function closeReport(deps: ControlDeps, ids: readonly string[], v: SupervisorView | null): Reply['blocks'] {
  const working = new Set((v ?? live(deps))?.slots.map((s) => s.positionId) ?? []);
  const closed = ids
    .filter((id) => !working.has(id))
    .map((id) => repos(deps).positions.byId(id))
    .filter((p) => p !== undefined);
  const pending = ids.filter((id) => working.has(id));
  return [
    ...(closed.length > 0
      ? [
          table(
            ['pair', 'P&L', 'exit'],
            closed.map((p) => [p.pair, signedUsd(p.realizedPnl), p.exitReason ?? '-']),
          ),
        ]
      : []),
    ...(pending.length > 0
      ? [text(`Still closing (fills are verified before a position counts as closed; you will get the exit notifications): ${pending.join(', ')}.`)]
      : []),
  ];
}

export const pause = operation({
  name: 'pause',
  group: 'control',
  role: 'admin',
  summary: 'No new entries; open positions are still managed (stops, targets, exits)',
  args: NO_ARGS,
  precheck: (deps) => needsSupervisor(deps),
  async run(deps, _a, caller) {
    const state = deps.supervisor!.view().state;
    if (state === 'paused') return refused('unchanged', 'Already paused. /resume trades again.');
    if (state !== 'trading') return refused('refused', `The daemon is ${state}: there is nothing to pause.`);
    deps.supervisor!.send({ type: 'supervisor.pause', by: caller.who });
    const v = await deps.supervisor!.awaitView((x) => x.state === 'paused', timeoutMs(deps));
    return v
      ? done(text('Paused: no new entries. Open positions are still managed (stops, targets, exits). /resume trades again.'))
      : refused('no_answer', 'The supervisor did not pause in time; /status shows its state.');
  },
});

export const resume = operation({
  name: 'resume',
  group: 'control',
  role: 'admin',
  summary: 'Trade again after /pause or after an emergency stop',
  args: NO_ARGS,
  precheck: (deps) => needsSupervisor(deps),
  async run(deps, _a, caller) {
    const port = deps.supervisor!;
    const before = port.view();
    if (before.state === 'trading')
      return refused('unchanged', `Already trading${before.breaker === 'halted' ? '; the breaker is halted though: /resetbreaker allows entries' : ''}.`);
    if (before.state === 'emergencyStop') return refused('refused', 'The emergency stop is still closing positions; /resume once /status says halted.');
    port.send({ type: 'supervisor.resume', by: caller.who });
    const v = await port.awaitView((x) => x.state === 'trading', timeoutMs(deps));
    if (!v) return refused('no_answer', 'The supervisor did not resume in time; /status shows its state.');
    const note = v.breaker === 'halted' ? ' The breaker is still halted, so no new entries yet: /resetbreaker lifts it.' : '';
    return done(text(`Trading again.${note}`));
  },
});

export const stop = operation({
  name: 'stop',
  group: 'control',
  role: 'admin',
  summary: 'Shut the daemon down gracefully (positions and breaker persist; no orders cancelled)',
  args: NO_ARGS,
  confirm: () => 'Shut the daemon down? Open positions and the breaker persist and are resumed at the next start; the bot is silent until then.',
  precheck: (deps) => (deps.lifecycle ? null : notRunning(deps)),
  async run(deps, _a, caller) {
    deps.lifecycle!.requestStop(caller.who);
    return done(
      text(
        'Shutting down: scanners stop, positions and the breaker persist, orders in flight are reconciled at the next start. Start it again on the server (systemctl start brain, or brain run).',
      ),
    );
  },
});

export const kill = operation({
  name: 'kill',
  group: 'control',
  role: 'admin',
  summary: 'Emergency stop: halt the breaker, cancel entries, close every position at market and verify the fills',
  args: NO_ARGS,
  confirm: () => 'EMERGENCY STOP: halt the breaker, cancel working entries and close EVERY position at market now?',
  precheck: (deps) => needsSupervisor(deps),
  async run(deps, _a, caller) {
    const port = deps.supervisor!;
    const before = port.view();
    if (before.state === 'halted') return refused('unchanged', 'Already halted after an emergency stop: flat, no scanning. /resume trades again.');
    const ids = before.slots.map((s) => s.positionId);
    port.send({ type: 'supervisor.emergencyStop', by: caller.who });
    const v = await port.awaitView((x) => x.state === 'halted', timeoutMs(deps));
    if (!v) return done(text('Emergency stop under way: breaker halted, entries cancelled, positions closing.'), ...closeReport(deps, ids, null));
    const closed = ids.length === 0 ? 'No position was open.' : `${ids.length} position${ids.length > 1 ? 's' : ''} closed, fills verified:`;
    return done(text(`Emergency stop done: breaker halted, flat, no scanning until /resume. ${closed}`), ...closeReport(deps, ids, v));
  },
});

export const forceExit = operation({
  name: 'forceexit',
  aliases: ['fx'],
  group: 'control',
  role: 'admin',
  summary: 'Close the position of PAIR (or all) at market now',
  args: args({ pair: pairOrAll('PAIR') }),
  confirm: ({ pair }) => (pair === 'all' ? 'Close EVERY open position at market now?' : `Close the ${pair} position at market now?`),
  precheck(deps, { pair }) {
    const wrong = pair === 'all' ? null : untraded(deps, pair);
    if (wrong) return wrong;
    const blocked = needsSupervisor(deps);
    if (blocked) return blocked;
    const v = deps.supervisor!.view();
    if (v.state !== 'trading' && v.state !== 'paused') return refused('refused', `The daemon is ${v.state}: no position to close by hand.`);
    return v.slots.some((s) => pair === 'all' || s.pair === pair)
      ? null
      : refused('not_found', pair === 'all' ? 'No open position.' : `No open position in ${pair}; /positions lists them.`);
  },
  async run(deps, { pair }, caller) {
    const port = deps.supervisor!;
    const ids = port
      .view()
      .slots.filter((s) => pair === 'all' || s.pair === pair)
      .map((s) => s.positionId);
    port.send({ type: 'supervisor.forceExit', pair: pair === 'all' ? null : (pair as Pair), by: caller.who });
    const v = await port.awaitView((x) => !x.slots.some((s) => ids.includes(s.positionId)), timeoutMs(deps));
    return done(text(v ? `Closed ${ids.length} position${ids.length > 1 ? 's' : ''} at market:` : 'Exit orders sent.'), ...closeReport(deps, ids, v));
  },
});
