/**
 * Growable typed columns for the intents log: amortised O(1) append, one copy at the end. It is
 * itself a readable log (the host replays a streamed claim from one while it is still growing); the
 * columns are replaced when they grow, so read them through the builder, not from a kept reference.
 */
import type { IntentsLog } from './engine-types.ts';

export class IntentsLogBuilder {
  private n = 0;
  step = new Int32Array(256);
  pairIndex = new Int32Array(256);
  action = new Uint8Array(256);
  sizeFraction = new Float64Array(256);
  stopLoss = new Float64Array(256);
  takeProfit = new Float64Array(256);
  outcome = new Uint8Array(256);

  /** Appends one intent and returns its row (the outcome is set once the risk gate has spoken). */
  push(step: number, pairIndex: number, action: number, sizeFraction: number, stopLoss: number, takeProfit: number): number {
    if (this.n === this.step.length) this.grow();
    const i = this.n++;
    this.step[i] = step;
    this.pairIndex[i] = pairIndex;
    this.action[i] = action;
    this.sizeFraction[i] = sizeFraction;
    this.stopLoss[i] = stopLoss;
    this.takeProfit[i] = takeProfit;
    return i;
  }

  /** Appends row `i` of another log, outcome included. */
  appendRow(log: IntentsLog, i: number): void {
    const row = this.push(log.step[i]!, log.pairIndex[i]!, log.action[i]!, log.sizeFraction[i]!, log.stopLoss[i]!, log.takeProfit[i]!);
    this.outcome[row] = log.outcome[i]!;
  }

  setOutcome(row: number, outcome: number): void {
    this.outcome[row] = outcome;
  }

  private grow(): void {
    const size = this.step.length * 2;
    const bigger = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(size);
      b.set(a);
      return b;
    };
    this.step = bigger(this.step, Int32Array);
    this.pairIndex = bigger(this.pairIndex, Int32Array);
    this.action = bigger(this.action, Uint8Array);
    this.sizeFraction = bigger(this.sizeFraction, Float64Array);
    this.stopLoss = bigger(this.stopLoss, Float64Array);
    this.takeProfit = bigger(this.takeProfit, Float64Array);
    this.outcome = bigger(this.outcome, Uint8Array);
  }

  get length(): number {
    return this.n;
  }

  build(): IntentsLog {
    return this.slice(0, this.n);
  }

  /** Rows [from, to) as a log of their own. */
  slice(from: number, to: number): IntentsLog {
    return {
      length: to - from,
      step: this.step.slice(from, to),
      pairIndex: this.pairIndex.slice(from, to),
      action: this.action.slice(from, to),
      sizeFraction: this.sizeFraction.slice(from, to),
      stopLoss: this.stopLoss.slice(from, to),
      takeProfit: this.takeProfit.slice(from, to),
      outcome: this.outcome.slice(from, to),
    };
  }
}
