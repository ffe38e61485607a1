/**
 * Dead man's switch keeper (reference/kraken-api.md §6 CancelAllOrdersAfter): while running, re-arms
 * the venue timer every `intervalMs` (15–30 s) with `timeoutSec` (60), so a crashed or disconnected
 * daemon leaves no live orders behind. Driven by the injected clock.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';

export interface DeadManSwitchOptions {
  /** CancelAllOrdersAfter(timeoutSec); 0 disarms. */
  arm: (timeoutSec: number) => Promise<unknown>;
  clock: Clock;
  intervalMs?: number;
  timeoutSec?: number;
  logger?: Logger;
}

export class DeadManSwitch {
  private timer: unknown;
  private running = false;
  private readonly intervalMs: number;
  private readonly timeoutSec: number;

  constructor(private readonly opts: DeadManSwitchOptions) {
    this.intervalMs = opts.intervalMs ?? 20_000;
    this.timeoutSec = opts.timeoutSec ?? 60;
    if (this.intervalMs < 15_000 || this.intervalMs > 30_000) {
      throw new RangeError(`dead man's switch re-arm interval must be 15000–30000 ms, got ${this.intervalMs}`);
    }
  }

  /** Arms now and keeps re-arming. A failed re-arm is logged and retried at the next tick. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  /** Stops re-arming; `disarm` also cancels the venue timer (before planned maintenance or shutdown). */
  async stop(disarm = false): Promise<void> {
    this.running = false;
    this.opts.clock.clearTimeout(this.timer);
    if (disarm) await this.opts.arm(0);
  }

  private async tick(): Promise<void> {
    try {
      await this.opts.arm(this.timeoutSec);
    } catch (err) {
      this.opts.logger?.warn({ err }, "dead man's switch re-arm failed; retrying at next interval");
    }
    if (this.running) this.timer = this.opts.clock.setTimeout(() => void this.tick(), this.intervalMs);
  }
}
