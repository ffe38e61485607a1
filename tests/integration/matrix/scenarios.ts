/**
 * The fault matrix's rows. A kill point arms a hold at the simulator that parks the daemon at one point of
 * an order's life (the hold is reached when the simulator sees the request, or the order's event), then
 * the daemon is killed there and restarted. A network fault is injected while it trades and it must
 * recover on its own. A pair injects two at once, as one blip brings them. `full` rows run only with
 * BRAIN_FAULT_MATRIX=full (the soak bench sets it).
 */
import { arrival, FOREVER, isCatchUp, orderEvent, ready, settles, step, verdict, type Row } from './driver.ts';
import { lockDatabase } from './locks.ts';
import type { World } from './world.ts';

export interface KillPoint {
  name: string;
  side: 'entry' | 'exit';
  /** Arms the hold; resolves when the daemon is parked at the point (after the next candle). */
  arm(w: World): Promise<unknown>;
  /** What happens at the venue while the daemon is down (a request still on the wire arrives, a stall ends). */
  whileDown?(w: World): Promise<void>;
}

export const KILL_POINTS: readonly KillPoint[] = [
  {
    name: 'intent row written, nothing sent',
    side: 'entry',
    arm: (w) => {
      // The venue lookup just before AddOrder: its answer never comes.
      w.sim.faults.delayResponse(FOREVER, { method: 'OpenOrders' });
      return arrival(w, 'OpenOrders');
    },
  },
  {
    name: 'AddOrder sent, not yet at the venue',
    side: 'entry',
    arm: (w) => {
      w.sim.faults.holdRequest(1, { method: 'AddOrder' });
      return arrival(w, 'AddOrder');
    },
    // The request still on the wire reaches the venue after the kill: the order exists, the daemon never heard of it.
    whileDown: (w) => w.sim.advance(1),
  },
  {
    name: 'accepted, reply lost',
    side: 'entry',
    arm: (w) => {
      w.sim.faults.delayResponse(FOREVER, { method: 'AddOrder' });
      return orderEvent(w, 'filled');
    },
  },
  {
    name: 'partly filled, reply lost',
    side: 'entry',
    arm: (w) => {
      w.sim.faults.thinLiquidity(0.5);
      w.sim.faults.delayResponse(FOREVER, { method: 'AddOrder' });
      return orderEvent(w, 'canceled');
    },
  },
  {
    name: 'filled, not yet booked',
    side: 'entry',
    arm: async (w) => {
      // The fill is not heard (executions stalled); the position's own lookup after its settle deadline never returns.
      w.sim.faults.stallWs('private');
      const d = w.running();
      await d.waitFor('the entry accepted', (l) => l.msg === 'order accepted', { from: d.mark() });
      w.sim.faults.delayResponse(FOREVER, { method: 'OpenOrders' });
      return arrival(w, 'OpenOrders');
    },
    whileDown: async (w) => w.sim.faults.resumeWs('private'),
  },
  {
    name: 'exit sent, reply lost',
    side: 'exit',
    arm: (w) => {
      w.sim.faults.delayResponse(FOREVER, { method: 'AddOrder' });
      return orderEvent(w, 'filled');
    },
  },
];

/** Kills the daemon at `point` with `sig`, lets the venue move on, restarts it: the row of that fault. */
export async function killAt(w: World, point: KillPoint, sig: 'SIGKILL' | 'SIGTERM'): Promise<Row> {
  await ready(w, point.side);
  const breaker = w.audit().breaker;
  const notes: string[] = [];
  if (sig === 'SIGTERM') await freshDeadManSwitch(w);
  const parked = point.arm(w);
  await w.candle();
  await parked;
  const exit = await w.stop(sig);
  notes.push(...atKill(w, sig, exit));
  await point.whileDown?.(w);
  w.sim.faults.clear();
  await w.start();
  await step(w, 'a trade after the restart');
  return verdict(w, `${sig} at: ${point.name}`, breaker, notes);
}

/** What must hold the moment the daemon is gone: every venue order has its row; after SIGTERM, a clean exit with the switch left armed. */
function atKill(w: World, sig: string, exit: { code: number | null }): string[] {
  const notes: string[] = [];
  const unrecorded = w.audit().lost.filter((l) => l.startsWith('venue order'));
  if (unrecorded.length > 0) notes.push(`at the kill: ${unrecorded.join(', ')}`);
  if (sig === 'SIGTERM') {
    if (exit.code !== 0) notes.push(`SIGTERM exit code ${exit.code}`);
    const at = w.sim.engine.deadmanAt();
    notes.push(at !== null && at > w.sim.clock.now() ? "dead man's switch left armed" : "dead man's switch NOT armed after the stop");
  }
  return notes;
}

/**
 * The daemon arms the dead man's switch when its private line comes up and re-arms it every 20 s of real
 * time, while the matrix moves the venue's clock by candles: the switch has long fired at the venue. A
 * reconnect arms it afresh, so what a graceful stop leaves behind can be seen.
 */
async function freshDeadManSwitch(w: World): Promise<void> {
  const d = w.running();
  const from = d.mark();
  w.sim.faults.dropWs('private');
  await d.waitFor('the private line back', (l) => l.msg === 'orders and fills reconciled with the venue' && l['component'] === 'account', { from });
}

export interface NetworkFault {
  name: string;
  side: 'entry' | 'exit';
  full?: boolean;
  /** Injects the fault before the candle; may return a promise that injects more once the order is on its way. */
  inject(w: World): Promise<unknown> | void;
  /** Ends the fault once the trade step settled (resume a stall). */
  end?(w: World): void;
}

/** On the next AddOrder reaching the venue (before it runs), do `then`: the blip that takes a line with it. */
function onAddOrder(w: World, then: () => void): Promise<unknown> {
  return arrival(w, 'AddOrder').then(then);
}

export const NETWORK_FAULTS: readonly NetworkFault[] = [
  { name: 'WS drop (both feeds) as the order goes out', side: 'entry', inject: (w) => onAddOrder(w, () => w.sim.faults.dropWs('all')) },
  { name: 'WS stall (executions silent)', side: 'exit', inject: (w) => w.sim.faults.stallWs('private'), end: (w) => w.sim.faults.resumeWs('private') },
  { name: 'REST 502 on AddOrder (not placed)', side: 'entry', inject: (w) => w.sim.faults.failHttp(502, { method: 'AddOrder' }) },
  { name: 'REST HTML error page (503) on the lookup', side: 'entry', inject: (w) => w.sim.faults.failHttp(503, { method: 'OpenOrders', html: true }) },
  { name: 'REST timeout on AddOrder (it ran)', side: 'exit', inject: (w) => w.sim.faults.delayResponse(FOREVER, { method: 'AddOrder' }) },
  {
    name: 'rate-limit lockout (EGeneral:Temporary lockout)',
    side: 'entry',
    inject: (w) => w.sim.faults.failApi('EGeneral:Temporary lockout', { method: 'OpenOrders' }),
  },
  { name: 'reply lost after acceptance', side: 'exit', inject: (w) => w.sim.faults.loseResponse({ method: 'AddOrder' }) },
  { name: 'database locked by another process (3 s)', side: 'entry', inject: (w) => void lockDatabase(w.dbPath, 3_000) },
  // Pairs: one blip, two faults.
  {
    name: 'reply lost while the private feed reconnects',
    side: 'entry',
    inject: (w) => {
      w.sim.faults.loseResponse({ method: 'AddOrder' });
      return onAddOrder(w, () => w.sim.faults.dropWs('private'));
    },
  },
  {
    name: '5xx burst during a WS stall',
    side: 'exit',
    inject: (w) => {
      w.sim.faults.stallWs('private');
      w.sim.faults.failHttp(502, { times: 3 });
    },
    end: (w) => w.sim.faults.resumeWs('private'),
  },
  {
    name: 'REST timeout during a WS drop',
    side: 'entry',
    full: true,
    inject: (w) => {
      w.sim.faults.delayResponse(FOREVER, { method: 'AddOrder' });
      return onAddOrder(w, () => w.sim.faults.dropWs('all'));
    },
  },
  {
    name: 'database locked during a lost reply',
    side: 'exit',
    full: true,
    inject: (w) => {
      w.sim.faults.loseResponse({ method: 'AddOrder' });
      return onAddOrder(w, () => void lockDatabase(w.dbPath, 3_000));
    },
  },
  {
    name: 'rate-limit lockout during a WS stall',
    side: 'exit',
    full: true,
    inject: (w) => {
      w.sim.faults.stallWs('private');
      w.sim.faults.failApi('EAPI:Rate limit exceeded', { times: 2 });
    },
    end: (w) => w.sim.faults.resumeWs('private'),
  },
];

/** One network fault during one trade step: the daemon must settle the trade on its own. */
export async function during(w: World, f: NetworkFault): Promise<Row> {
  await ready(w, f.side);
  const breaker = w.audit().breaker;
  const injected = f.inject(w);
  await step(w, `the trade step under "${f.name}"`);
  await injected;
  f.end?.(w);
  w.sim.faults.clear();
  return verdict(w, f.name, breaker, []);
}

/**
 * The venue's clock jumps an hour ahead (a gap of twelve candles at once); the daemon must stay consistent.
 * Flat before the jump, the flip strategy buys on each back-filled candle of the hole: those buys are an
 * hour old and refused ('stale_candle'); the buy on the newest candle is the trade after the jump.
 */
export async function clockJump(w: World): Promise<Row> {
  await ready(w, 'entry');
  const breaker = w.audit().breaker;
  const from = w.running().mark();
  await w.sim.advance(3_600_000);
  await step(w, 'a trade after the jump');
  const stale = w.running().lines.slice(from).filter(isCatchUp).length;
  await ready(w, 'entry');
  return verdict(w, 'venue clock jumps 1 h ahead', breaker, [`${stale} catch-up buys refused (stale_candle)`]);
}

/** SIGKILL while the private feed reconnects with an entry's reply still held. */
export async function killDuringReconnect(w: World): Promise<Row> {
  await ready(w, 'entry');
  const breaker = w.audit().breaker;
  w.sim.faults.delayResponse(FOREVER, { method: 'AddOrder' });
  const parked = orderEvent(w, 'filled');
  await w.candle();
  await parked;
  w.sim.faults.dropWs('all');
  await w.stop('SIGKILL');
  w.sim.faults.clear();
  await w.start();
  await step(w, 'a trade after the restart');
  return verdict(w, 'SIGKILL during a reconnect, reply held', breaker, []);
}

/**
 * The disk fills as an entry is decided: whatever the daemon was writing fails (SQLITE_FULL). It must
 * not trade on what it could not record; once the space is back (and, if it stopped, once restarted),
 * the books must still be the venue's.
 */
export async function diskFull(w: World, disk: { fill(): void; free(): void }): Promise<Row> {
  await ready(w, 'entry');
  const breaker = w.audit().breaker;
  const notes: string[] = [];
  const d = w.running();
  const from = d.mark();
  disk.fill();
  await w.candle();
  // Full while the entry is recorded: the intent row cannot be written, so nothing may be sent.
  const intent = await d.waitFor('the entry intent', (l) => l.msg === 'intent accepted', { from });
  const at = d.lines.indexOf(intent) + 1;
  const outcome = await Promise.race([
    d
      .waitFor('what became of the entry', (l) => l.msg === 'order sent' || settles(l) || l.level >= 50, { from: at, limitMs: 20_000 })
      .then((l) => `"${l.msg}"${l.level >= 50 ? ` (${String((l['err'] as { message?: string } | undefined)?.message ?? '')})` : ''}`),
    d.exited.then((e) => `exited (code ${e.code}, signal ${e.signal})`),
  ]);
  notes.push(`disk full at the entry: ${outcome}`);
  disk.free();
  if (w.daemon && (await Promise.race([d.exited.then(() => true), Promise.resolve(false)]))) w.daemon = null;
  if (!w.daemon) {
    notes.push('restarted');
    await w.start();
  }
  await step(w, 'a trade once the space is back', 6);
  return verdict(w, 'disk full while writing (tmpfs)', breaker, notes);
}
