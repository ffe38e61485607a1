/**
 * Money in the summary and the report reads as en-US prints it (Intl), though it is formatted by
 * hand: the first toLocaleString in a process loads ICU's number formatting, ~10 ms of every run.
 */
import { describe, expect, it } from 'vitest';
import { money } from '../../src/backtest/report/format.ts';

const intl = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

describe('money', () => {
  it('rounds half up on the shortest decimal form, as ICU does, where toFixed would not', () => {
    expect(money(1.005)).toBe('$1.01');
    expect(money(2.675)).toBe('$2.68');
    expect(money(9.995)).toBe('$10.00');
    expect(money(-999.995)).toBe('-$1,000.00');
    expect(money(0.0049999)).toBe('$0.00');
  });

  it('groups thousands and keeps the sign of amounts that round to zero', () => {
    expect(money(1234567.891)).toBe('$1,234,567.89');
    expect(money(-0.004)).toBe('-$0.00');
    expect(money(0)).toBe('$0.00');
    expect(money(null)).toBe('–');
    expect(money(Number.NaN)).toBe('–');
  });

  it('equals Intl en-US on 20,000 random amounts across 14 orders of magnitude and the extremes', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const xs = [1e-7, 5e-324, 0.125, 1e15, 1e20, 1e21, 2.5e25];
    for (let i = 0; i < 10_000; i++) xs.push((random() - 0.5) * 10 ** Math.floor(random() * 14), Math.round(random() * 1e7) / 1000 + 0.005);
    expect(xs.filter((x) => money(x) !== intl(x))).toEqual([]);
  });
});
