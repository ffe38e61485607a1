/** Growable typed columns for the intents log: amortised O(1) append, one copy at the end. */
import type { IntentsLog } from './engine-types.ts';

export class IntentsLogBuilder {
  private n = 0;
  private step = new Int32Array(256);
  private pairIndex = new Int32Array(256);
  private action = new Uint8Array(256);
  private sizeFraction = new Float64Array(256);
  private stopLoss = new Float64Array(256);
  private takeProfit = new Float64Array(256);
  private outcome = new Uint8Array(256);

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

  build(): IntentsLog {
    const n = this.n;
    return {
      length: n,
      step: this.step.slice(0, n),
      pairIndex: this.pairIndex.slice(0, n),
      action: this.action.slice(0, n),
      sizeFraction: this.sizeFraction.slice(0, n),
      stopLoss: this.stopLoss.slice(0, n),
      takeProfit: this.takeProfit.slice(0, n),
      outcome: this.outcome.slice(0, n),
    };
  }
}
