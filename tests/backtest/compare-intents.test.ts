/**
 * compareIntents finds where two logs first differ a column at a time, then lists the mismatches
 * entry by entry from there: the list must be the one an entry-by-entry comparison from the start
 * gives (same entries, same order, same cap), whatever the logs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IntentsLog } from '../../src/backtest/engine.ts';
import { compareIntents, type RunMismatch } from '../../src/backtest/replay.ts';

const FIELDS = ['step', 'pairIndex', 'action', 'sizeFraction', 'stopLoss', 'takeProfit', 'outcome'] as const;

/** The comparison as it was written first: every entry, every field, from the start. */
function entryByEntry(a: IntentsLog, b: IntentsLog): RunMismatch[] {
  const present = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  const same = (x: number | undefined, y: number | undefined) => {
    const p = present(x);
    const q = present(y);
    return p === null || q === null ? p === q : Math.abs(p - q) <= 1e-9 * Math.max(1, Math.abs(p), Math.abs(q));
  };
  const out: RunMismatch[] = [];
  if (a.length !== b.length) out.push({ field: 'intents.length', index: null, a: a.length, b: b.length });
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < 20; i++) {
    for (const f of FIELDS) if (!same(a[f][i], b[f][i])) out.push({ field: `intents.${f}`, index: i, a: a[f][i] ?? null, b: b[f][i] ?? null });
  }
  return out.slice(0, 20);
}

type Row = [number, number, number, number, number, number, number];

function logOf(rows: readonly Row[]): IntentsLog {
  const col = <T extends Int32Array | Uint8Array | Float64Array>(make: new (n: number) => T, k: number) => {
    const out = new make(rows.length);
    rows.forEach((r, i) => {
      out[i] = r[k]!;
    });
    return out;
  };
  return {
    length: rows.length,
    step: col(Int32Array, 0),
    pairIndex: col(Int32Array, 1),
    action: col(Uint8Array, 2),
    sizeFraction: col(Float64Array, 3),
    stopLoss: col(Float64Array, 4),
    takeProfit: col(Float64Array, 5),
    outcome: col(Uint8Array, 6),
  };
}

// Few distinct values, NaN and values within the tolerance among them, so logs often agree and differ in every way.
const price = fc.constantFrom(Number.NaN, 100, 100 + 1e-8, 101);
const row = fc.tuple(fc.nat(3), fc.nat(2), fc.nat(4), fc.constantFrom(0, 0.1, 0.5), price, price, fc.nat(2)) as fc.Arbitrary<Row>;

describe('compareIntents', () => {
  it('lists the same mismatches, in the same order and up to the same cap, as comparing every entry from the start', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.array(fc.tuple(fc.nat(39), row)), fc.nat(3), (rows, edits, dropped) => {
        const other = rows.map((r) => [...r] as Row);
        for (const [i, r] of edits) if (i < other.length) other[i] = r;
        const a = logOf(rows);
        const b = logOf(other.slice(0, Math.max(0, other.length - dropped)));
        expect(compareIntents(a, b)).toEqual(entryByEntry(a, b));
        expect(compareIntents(b, a)).toEqual(entryByEntry(b, a));
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  it('finds a difference in the last field of the last entry, and none between a log and itself', () => {
    const rows: Row[] = Array.from({ length: 50 }, (_, i) => [i, i % 3, 1, 0.1, Number.NaN, 110, 0]);
    const a = logOf(rows);
    const b = logOf(rows.map((r, i) => (i === 49 ? ([...r.slice(0, 6), 2] as Row) : r)));
    expect(compareIntents(a, a)).toEqual([]);
    expect(compareIntents(a, b)).toEqual([{ field: 'intents.outcome', index: 49, a: 0, b: 2 }]);
  });
});
