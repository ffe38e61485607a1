/**
 * The private REST calls of one API key: one at a time, because nonces must reach Kraken in order
 * (auth.ts), and in two lanes, because money comes first. The `order` lane (AddOrder, cancels, the
 * lookup of an order about to be sent or in flight) goes ahead of the `background` lane (reconciliation,
 * balances, trade history, audit, fee refresh): an order must not pass its ack deadline behind a boot
 * sweep. Calls of one lane keep the order they asked in. A call starts only once its cost fits the rate
 * counter (rate.ts); background calls also leave `reserve` points unspent, so an order's lookup finds
 * budget at once after a busy sweep. Background is never starved: once `orderBurst` order calls have
 * gone ahead of a waiting background call, that call goes next.
 */
import type { Clock } from '../clock/clock.ts';
import type { RestRateCounter } from './rate.ts';

export type CallLane = 'order' | 'background';

export interface LaneOptions {
  /** Points background calls leave for the order lane (default 2: an order's OpenOrders + ClosedOrders lookup). */
  reserve?: number;
  /** Order calls that may pass a waiting background call before it goes next (default 4). */
  orderBurst?: number;
}

export interface LaneJob {
  lane: CallLane;
  /** Points on the rate counter (callCost). */
  cost: number;
  signal?: AbortSignal | undefined;
  /** The error for a job whose caller gave up while it waited: it is never started. */
  aborted: () => Error;
}

interface Waiter {
  readonly job: LaneJob;
  readonly start: () => void;
  readonly drop: (err: Error) => void;
}

export class PrivateCallLanes {
  private readonly waiting: Record<CallLane, Waiter[]> = { order: [], background: [] };
  private busy = false;
  /** Order calls started while a background call waited. */
  private passed = 0;
  private timer: unknown = null;
  private readonly reserve: number;
  private readonly orderBurst: number;

  constructor(
    private readonly clock: Clock,
    private readonly rate: RestRateCounter,
    opts: LaneOptions = {},
  ) {
    this.reserve = opts.reserve ?? 2;
    this.orderBurst = opts.orderBurst ?? 4;
  }

  /** Runs `fn` when its turn comes and its cost fits; rejects with `job.aborted()` if the signal fires first. */
  run<T>(job: LaneJob, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (job.signal?.aborted) return reject(job.aborted());
      const onAbort = () => {
        const queue = this.waiting[job.lane];
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        waiter.drop(job.aborted());
        this.pump();
      };
      const waiter: Waiter = {
        job,
        start: () => {
          job.signal?.removeEventListener('abort', onAbort);
          fn()
            .then(resolve, reject)
            .finally(() => this.finish());
        },
        drop: reject,
      };
      job.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting[job.lane].push(waiter);
      this.pump();
    });
  }

  /** Calls waiting per lane. */
  pending(): Record<CallLane, number> {
    return { order: this.waiting.order.length, background: this.waiting.background.length };
  }

  /** The call that goes next and the points it must leave unspent (none for background whose turn it is). */
  private next(): { w: Waiter; reserve: number } | undefined {
    const background = this.waiting.background[0];
    if (background && this.passed >= this.orderBurst) return { w: background, reserve: 0 };
    const order = this.waiting.order[0];
    if (order) return { w: order, reserve: 0 };
    return background && { w: background, reserve: this.reserve };
  }

  /** Starts the next call if the key is free and its cost fits; otherwise looks again when it will. */
  private pump(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.busy) return;
    const chosen = this.next();
    if (!chosen) return;
    const { w, reserve } = chosen;
    const wait = this.rate.waitMs(w.job.cost, reserve);
    if (wait > 0) {
      // A call arriving meanwhile (an order) pumps again and may go first.
      this.timer = this.clock.setTimeout(() => this.pump(), wait);
      return;
    }
    this.rate.spend(w.job.cost);
    this.waiting[w.job.lane].shift();
    if (w.job.lane === 'order') this.passed = this.waiting.background.length > 0 ? this.passed + 1 : 0;
    else this.passed = 0;
    this.busy = true;
    // Started after the code that got here has finished (a timer of the clock may have: a simulated clock
    // fires all timers of a step in one go), so the call's own timeout counts from the time it really leaves.
    queueMicrotask(w.start);
  }

  private finish(): void {
    this.busy = false;
    this.pump();
  }
}
