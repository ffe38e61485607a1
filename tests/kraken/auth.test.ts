import { describe, expect, it } from 'vitest';
import { NonceSource, apiSign } from '../../src/kraken/auth.ts';

describe('REST authentication', () => {
  it("reproduces Kraken's published API-Sign test vector", () => {
    const sign = apiSign(
      '/0/private/AddOrder',
      '1616492376594',
      'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25',
      'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==',
    );
    expect(sign).toBe('4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==');
  });

  it('issues strictly increasing nonces even when the clock stands still or steps back', () => {
    let now = 1_000;
    const nonces = new NonceSource(() => now);
    const a = Number(nonces.next());
    const b = Number(nonces.next());
    now = 500;
    const c = Number(nonces.next());
    now = 5_000;
    const d = Number(nonces.next());
    expect([a, b, c, d]).toEqual([1_000, 1_001, 1_002, 5_000]);
  });
});
