import { describe, expect, it } from 'vitest';
import { formatFixed, formatOnGrid, toUnits } from '../../src/kraken/decimal.ts';

describe('decimal formatting at the venue edge', () => {
  it('formats 0.1 + 0.2 without float artefacts', () => {
    expect(formatFixed(0.1 + 0.2, 8)).toBe('0.30000000');
  });

  it('floors a volume that is a hair under its decimal value (0.29 * 100 is 28.999…)', () => {
    expect(formatOnGrid(0.29, '0.01', 2, 'floor')).toBe('0.29');
    expect(formatOnGrid(1.005, '0.001', 3, 'floor')).toBe('1.005');
  });

  it('rounds a price to the nearest tick, including ticks that are not powers of ten', () => {
    expect(formatOnGrid(30300.14, '0.1', 1)).toBe('30300.1');
    expect(formatOnGrid(30300.16, '0.1', 1)).toBe('30300.2');
    expect(formatOnGrid(101.37, '0.25', 2)).toBe('101.25');
    expect(formatOnGrid(101.38, '0.25', 2)).toBe('101.50');
  });

  it('honours floor and ceil modes on the grid', () => {
    expect(formatOnGrid(30300.19, '0.1', 1, 'floor')).toBe('30300.1');
    expect(formatOnGrid(30300.11, '0.1', 1, 'ceil')).toBe('30300.2');
  });

  it('handles tiny and large magnitudes written in exponent form', () => {
    expect(formatOnGrid(1.23e-7, '0.0000001', 7)).toBe('0.0000001');
    expect(formatFixed(5e-5, 8)).toBe('0.00005000');
    expect(formatFixed(1e21, 0)).toBe('1000000000000000000000');
    expect(toUnits(-0.15, 1, 'floor')).toBe(-2n);
  });

  it('refuses NaN and Infinity with a RangeError', () => {
    expect(() => formatFixed(Number.NaN, 2)).toThrow(RangeError);
    expect(() => formatFixed(Infinity, 2)).toThrow(RangeError);
  });
});
