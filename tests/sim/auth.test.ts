import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonceAuthenticator, signRequest } from '../../src/sim/auth.ts';
import { SIM_TEST_ACCOUNT, type KrakenSim } from '../../src/sim/index.ts';
import { restClient, startSim } from './helpers.ts';

const VECTOR = {
  secret: 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==',
  nonce: '1616492376594',
  body: 'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25',
  path: '/0/private/AddOrder',
  sign: '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==',
};

describe('REST authentication', () => {
  it("reproduces Kraken's published API-Sign test vector", () => {
    expect(signRequest(VECTOR.path, VECTOR.nonce, VECTOR.body, VECTOR.secret)).toBe(VECTOR.sign);
  });

  it('accepts the published vector and then refuses the same nonce again', () => {
    const auth = new NonceAuthenticator();
    auth.addKey('k', VECTOR.secret);
    const req = { path: VECTOR.path, body: VECTOR.body, nonce: VECTOR.nonce, apiKey: 'k', apiSign: VECTOR.sign };
    expect(auth.verify(req)).toEqual({ key: 'k' });
    expect(auth.verify(req)).toEqual({ error: 'EAPI:Invalid nonce' });
  });

  it('checks key, then nonce, then signature', () => {
    const auth = new NonceAuthenticator();
    auth.addKey('k', VECTOR.secret);
    const base = { path: VECTOR.path, body: VECTOR.body, nonce: VECTOR.nonce, apiKey: 'k', apiSign: 'bad' };
    expect(auth.verify({ ...base, apiKey: 'nope', nonce: 'x' })).toEqual({ error: 'EAPI:Invalid key' });
    expect(auth.verify({ ...base, nonce: 'x' })).toEqual({ error: 'EAPI:Invalid nonce' });
    expect(auth.verify(base)).toEqual({ error: 'EAPI:Invalid signature' });
  });

  describe('over HTTP', () => {
    let sim: KrakenSim;
    beforeAll(async () => {
      sim = await startSim();
    });
    afterAll(() => sim.close());

    it('answers a correctly signed private call', async () => {
      const r = await restClient(sim).post('Balance');
      expect(r).toEqual({ error: [], result: { ZUSD: '10000.0000' } });
    });

    it('refuses an unknown key, a non-increasing nonce and a bad signature with Kraken errors', async () => {
      const rest = restClient(sim);
      expect((await rest.post('Balance', {}, { key: 'unknown' })).error).toEqual(['EAPI:Invalid key']);
      await rest.post('Balance', {}, { nonce: 5_000_000 });
      expect((await rest.post('Balance', {}, { nonce: 5_000_000 })).error).toEqual(['EAPI:Invalid nonce']);
      expect((await rest.post('Balance', {}, { nonce: 4_000_000 })).error).toEqual(['EAPI:Invalid nonce']);
      expect((await rest.post('Balance', {}, { nonce: 6_000_000, sign: signRequest('/0/private/Balance', '1', '', SIM_TEST_ACCOUNT.secret) })).error).toEqual([
        'EAPI:Invalid signature',
      ]);
      expect((await rest.post('Balance', {}, { nonce: 6_000_001 })).error).toEqual([]);
    });

    it('answers HTTP 200 with an error envelope for an unknown method and a GET to a private path', async () => {
      const res = await fetch(`${sim.restUrl}/0/private/Balance`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { error: string[] }).error[0]).toMatch(/^EGeneral:/);
      expect((await restClient(sim).get('Nope')).error).toEqual(['EGeneral:Unknown method']);
    });
  });
});
