import { describe, expect, it } from 'vitest';
import { fillId, upgradedFillId } from '../../src/trading/fill-id.ts';

describe("a fill's identity", () => {
  it('names the pair and the venue number, so equal numbers on two pairs are two fills', () => {
    expect(fillId('BTC/USD', 1)).toBe('BTC/USD:1');
    expect(fillId('BTC/USD', 1)).not.toBe(fillId('ETH/USD', 1));
    expect(fillId('ETH/USD', '62887576')).toBe(fillId('ETH/USD', 62887576));
  });

  it('brings an id stored before the pair was part of it to the same key, and leaves a current one alone', () => {
    expect(upgradedFillId('BTC/USD', '40274859')).toBe(fillId('BTC/USD', 40274859));
    expect(upgradedFillId('BTC/USD', 'PAPER-P1-1-1')).toBe('BTC/USD:PAPER-P1-1-1');
    expect(upgradedFillId('BTC/USD', 'BTC/USD:7')).toBe('BTC/USD:7');
  });
});
