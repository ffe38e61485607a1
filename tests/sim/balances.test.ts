import { afterEach, describe, expect, it } from 'vitest';
import { SIM_TEST_ACCOUNT, type KrakenSim } from '../../src/sim/index.ts';
import { isChannel, restClient, startSim, wsClient, wsToken } from './helpers.ts';

let sim: KrakenSim;
afterEach(() => sim?.close());

/** The default account holding spot dollars plus earn, staking and margin wallets (§2). */
async function withSuffixed(balances: Record<string, string> = { ZUSD: '1000', 'XXBT.F': '2', 'ETH2.S': '3', 'USD.M': '500' }) {
  sim = await startSim({ accounts: [{ ...SIM_TEST_ACCOUNT, balances }] });
  return restClient(sim);
}

describe('suffixed (earn/staking/margin) balances', () => {
  it('Balance and BalanceEx list suffixed holdings under the ids Kraken uses, with nothing held', async () => {
    const rest = await withSuffixed();
    expect((await rest.post('Balance')).result).toEqual({ ZUSD: '1000.0000', 'XXBT.F': '2.0000000000', 'ETH2.S': '3.00000000', 'USD.M': '500.0000' });
    const ex = (await rest.post('BalanceEx')).result;
    expect(ex['XXBT.F']).toEqual({ balance: '2.0000000000', hold_trade: '0.0000000000' });
    expect(ex['USD.M']).toEqual({ balance: '500.0000', hold_trade: '0.0000' });
  });

  it('a suffixed holding never funds an order: selling staked BTC or buying with margin dollars is Insufficient funds', async () => {
    const rest = await withSuffixed({ 'XXBT.F': '2', 'USD.M': '100000' });
    const add = async (type: string) => (await rest.post('AddOrder', { pair: 'XBTUSD', type, ordertype: 'market', volume: '0.01' })).error;
    expect(await add('sell')).toEqual(['EOrder:Insufficient funds']);
    expect(await add('buy')).toEqual(['EOrder:Insufficient funds']);
    expect(sim.engine.balances()).toEqual({});
  });

  it('a fill moves the spot balances and leaves the suffixed wallet of the same asset alone', async () => {
    const rest = await withSuffixed({ ZUSD: '10000', 'XXBT.F': '2' });
    const r = await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'market', volume: '0.01' });
    expect(r.error).toEqual([]);
    const bal = (await rest.post('Balance')).result;
    expect(Number(bal.XXBT)).toBeCloseTo(0.01, 10);
    expect(bal['XXBT.F']).toBe('2.0000000000');
  });

  it('TradeBalance values spot holdings only', async () => {
    const rest = await withSuffixed();
    expect((await rest.post('TradeBalance')).result).toMatchObject({ eb: '1000.0000', tb: '1000.0000', e: '1000.0000', mf: '1000.0000' });
  });

  it('the WS v2 balances snapshot carries spot assets only', async () => {
    await withSuffixed();
    const c = await wsClient(sim.wsPrivateUrl);
    c.send({ method: 'subscribe', params: { channel: 'balances', token: await wsToken(sim) } });
    expect((await c.take(isChannel('balances', 'snapshot'))).data.map((b: { asset: string }) => b.asset)).toEqual(['USD']);
    c.close();
  });

  it('refuses an asset id that is neither a known spot asset nor of the suffixed form', async () => {
    await expect(startSim({ accounts: [{ ...SIM_TEST_ACCOUNT, balances: { 'XXBT-F': '1' } }] })).rejects.toThrow(/unknown asset id "XXBT-F".*XXBT\.F/);
  });
});
