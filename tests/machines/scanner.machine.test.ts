import { afterEach, describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, waitFor, type Actor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  scannerMachine,
  type Evaluation,
  type RecordRequest,
  type ScannerEmitted,
  type ScannerEvent,
  type ScanRequest,
} from '../../machines/scanner.machine.ts';
import type { Candle } from '../../src/contract/candle.ts';
import type { Intent } from '../../src/contract/intent.ts';
import type { Pair, Timeframe } from '../../src/contract/pairs.ts';
import { SandboxError } from '../../src/sandbox/errors.ts';

const M5 = 300_000;
const T0 = Date.UTC(2025, 0, 6);
const candle = (i: number): Candle => ({ time: T0 + i * M5, open: 100, high: 101, low: 99, close: 100 + i, volume: 1 });
const closed = (i: number, over: Partial<Extract<ScannerEvent, { type: 'market.candle' }>> = {}): ScannerEvent => ({
  type: 'market.candle',
  pair: 'BTC/USD',
  timeframe: '5m',
  candle: candle(i),
  closed: true,
  ...over,
});
const buyIntent = (r: ScanRequest): Intent => ({
  pair: r.pair,
  candleTime: r.candle.time,
  refPrice: r.candle.close,
  strategyVersion: r.strategyVersion,
  decision: { action: 'buy', sizeFraction: 0.1, reason: 'test' },
});

interface Deferred<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}

/** Evaluations resolve by hand (the test plays the sandbox); warm-up and record resolve at once. */
function fixture(opts: { warmLast?: number; warmFails?: boolean; decide?: (r: ScanRequest) => Partial<Evaluation> } = {}) {
  const clock = new SimulatedClock();
  const asked: ScanRequest[] = [];
  const pending: Deferred<Evaluation>[] = [];
  const recorded: RecordRequest[] = [];
  let warmups = 0;
  const machine = scannerMachine.provide({
    actors: {
      warmUp: fromPromise(async () => {
        warmups += 1;
        if (opts.warmFails && warmups === 1) throw new Error('candle store unavailable');
        return { lastTime: opts.warmLast ?? -1 };
      }),
      evaluate: fromPromise<Evaluation, ScanRequest>(({ input }) => {
        asked.push(input);
        return new Promise((resolve, reject) => pending.push({ resolve, reject }));
      }),
      record: fromPromise<void, RecordRequest>(async ({ input }) => void recorded.push(input)),
    },
  });
  const actor = createActor(machine, { input: { pair: 'BTC/USD', timeframe: '5m', strategyVersion: 'v1', verdictMs: 5_000 }, clock });
  const emitted: ScannerEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  actors.push(actor);
  const decide = opts.decide ?? (() => ({}));
  const answer = (i = 0) => {
    const r = asked[i]!;
    pending[i]!.resolve({ action: 'hold', intent: null, regime: 'ranging', indicators: { rsi: 50 }, durationMs: 2, invalid: null, ...decide(r) });
  };
  const at = (v: string) => waitFor(actor, (s) => s.value === v);
  return { actor, clock, asked, pending, recorded, emitted, answer, at, send: (e: ScannerEvent) => actor.send(e), warmups: () => warmups };
}

/** A scanner whose strategy bought on candle 1, waiting for the supervisor's verdict. */
async function buyAwaitingVerdict() {
  const f = fixture({ decide: (r) => ({ action: 'buy', intent: buyIntent(r) }) });
  await f.at('idle');
  f.send(closed(1));
  f.answer(0);
  await f.at('awaitingVerdict');
  return f;
}

const actors: Actor<typeof scannerMachine>[] = [];
afterEach(() => actors.splice(0).forEach((a) => a.stop()));

describe('scanner machine', () => {
  it('warms up at boot, then scans each closed candle and records the scan', async () => {
    const f = fixture();
    await f.at('idle');
    f.send(closed(1));
    expect(f.actor.getSnapshot().value).toBe('evaluating');
    f.answer(0);
    await f.at('idle');
    expect(f.recorded).toMatchObject([{ scan: { candle: { time: candle(1).time }, evaluation: { action: 'hold' } }, signal: null }]);
  });

  it('ignores forming candles, other pairs and candles already seen', async () => {
    const f = fixture({ warmLast: candle(3).time });
    await f.at('idle');
    f.send(closed(4, { closed: false }));
    f.send(closed(4, { pair: 'ETH/USD' }));
    f.send(closed(2));
    expect(f.actor.getSnapshot().value).toBe('idle');
    expect(f.asked).toEqual([]);
  });

  it('a candle arriving while evaluating is queued and scanned next, in order (no missed candle)', async () => {
    const f = fixture();
    await f.at('idle');
    f.send(closed(1));
    f.send(closed(2));
    f.send(closed(3));
    f.answer(0);
    await waitFor(f.actor, () => f.asked.length === 2);
    f.answer(1);
    await waitFor(f.actor, () => f.asked.length === 3);
    f.answer(2);
    await f.at('idle');
    expect(f.asked.map((r) => r.candle.time)).toEqual([1, 2, 3].map((i) => candle(i).time));
    expect(f.recorded).toHaveLength(3);
  });

  it('candles that arrive during the warm-up are kept unless the warm-up already covered them', async () => {
    const f = fixture({ warmLast: candle(1).time });
    f.send(closed(1));
    f.send(closed(2));
    await waitFor(f.actor, () => f.asked.length === 1);
    expect(f.asked[0]!.candle.time).toBe(candle(2).time);
  });

  it('a non-hold intent goes to the supervisor and its verdict is recorded with the signal', async () => {
    const f = await buyAwaitingVerdict();
    expect(f.emitted).toMatchObject([{ type: 'scanner.intent', pair: 'BTC/USD', intent: { candleTime: candle(1).time } }]);
    const verdict = { outcome: 'rejected' as const, rejectReason: 'breaker_halted', clOrdId: null };
    f.send({ type: 'scanner.verdict', pair: 'BTC/USD', candleTime: candle(1).time, verdict });
    await f.at('idle');
    expect(f.recorded[0]!.signal).toMatchObject({ verdict });
  });

  it('with no verdict in time the signal is recorded as rejected (no_verdict)', async () => {
    const f = await buyAwaitingVerdict();
    f.clock.increment(5_000);
    await f.at('idle');
    expect(f.recorded[0]!.signal?.verdict).toEqual({ outcome: 'rejected', rejectReason: 'no_verdict', clOrdId: null });
  });

  it('strategy hot swap takes effect at the next candle, not the one being evaluated', async () => {
    const f = fixture();
    await f.at('idle');
    f.send(closed(1));
    f.send({ type: 'strategy.activated', versionId: 'v2' });
    f.send(closed(2));
    f.answer(0);
    await waitFor(f.actor, () => f.asked.length === 2);
    expect(f.asked.map((r) => r.strategyVersion)).toEqual(['v1', 'v2']);
  });

  it('inv. 5: a sandbox failure yields no intent, is reported, and the next candle is scanned', async () => {
    const f = fixture();
    await f.at('idle');
    f.send(closed(1));
    f.pending[0]!.reject(new SandboxError('deadline', 'strategy timed out', true));
    await f.at('idle');
    expect(f.emitted).toEqual([
      {
        type: 'scanner.failed',
        pair: 'BTC/USD',
        candleTime: candle(1).time,
        stage: 'evaluate',
        error: { code: 'sandbox.deadline', message: 'strategy timed out', retryable: true },
      },
    ]);
    f.send(closed(2));
    expect(f.actor.getSnapshot().value).toBe('evaluating');
  });

  it('an invalid decision is recorded as a scan and reported, with no intent', async () => {
    const f = fixture({ decide: () => ({ invalid: { reason: 'sell_when_flat', message: 'sell while flat' } }) });
    await f.at('idle');
    f.send(closed(1));
    f.answer(0);
    await f.at('idle');
    expect(f.emitted).toMatchObject([
      { type: 'scanner.failed', stage: 'decision', error: { code: 'strategy.sell_when_flat', message: 'sell while flat', retryable: false } },
    ]);
    expect(f.recorded).toHaveLength(1);
  });

  it('a failed warm-up scans nothing and retries after a pause', async () => {
    const f = fixture({ warmFails: true });
    await f.at('warmUpFailed');
    f.send(closed(1));
    expect(f.asked).toEqual([]);
    f.clock.increment(30_000);
    await waitFor(f.actor, () => f.asked.length === 1);
    expect(f.warmups()).toBe(2);
  });

  it('reaches every state by a shortest path (xstate/graph)', () => {
    const ev = (type: string, extra: object = {}) => ({ type, ...extra }) as unknown as ScannerEvent;
    const intent = buyIntent({ pair: 'BTC/USD', timeframe: '5m', candle: candle(1), strategyVersion: 'v1' });
    const events: ScannerEvent[] = [
      closed(1),
      ev('xstate.done.actor.warmUp', { output: { lastTime: -1 } }),
      ev('xstate.error.actor.warmUp', { error: new Error('x') }),
      ev('xstate.done.actor.evaluate', { output: { action: 'buy', intent, regime: null, indicators: {}, durationMs: 1, invalid: null } }),
      ev('xstate.done.actor.record'),
      ev('xstate.after.verdictTimeout.scanner.awaitingVerdict'),
    ];
    const never = <T>() => new Promise<T>(() => undefined);
    const machine = scannerMachine.provide({
      actors: {
        warmUp: fromPromise<{ lastTime: number }, { pair: Pair; timeframe: Timeframe; strategyVersion: string }>(never),
        evaluate: fromPromise<Evaluation, ScanRequest>(never),
        record: fromPromise<void, RecordRequest>(never),
      },
    });
    const paths = getShortestPaths(machine, { events, input: { pair: 'BTC/USD', timeframe: '5m', strategyVersion: 'v1' } });
    const reached = new Set(paths.map((p) => p.state.value));
    expect([...reached].sort()).toEqual(['awaitingVerdict', 'evaluating', 'idle', 'recording', 'warmUpFailed', 'warmingUp']);
  });
});
