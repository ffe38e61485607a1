import { describe, expect, it } from 'vitest';
import { runCanary } from '../../src/sandbox/canary.ts';
import { rawStrategy, setups } from './helpers.ts';

// The lockdown leaves no clock or randomness, but a stack trace names the child's script, which sits in
// a fresh mkdtemp folder per child: a real value that differs between the canary's two runs.
const LEAK = "var leak = function () { try { throw new Error('x'); } catch (e) { return String(e.stack).split('brain-sbx-')[1].slice(0, 6); } };";

describe('determinism canary against values that differ between runs', () => {
  it('rejects a strategy whose decisions carry a value read from its own stack trace', async () => {
    const bundle = rawStrategy("return { action: 'hold', reason: leak() };", LEAK);
    const r = await runCanary('strategy', bundle, setups(['BTC/USD']));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^non-deterministic: two runs of the fixture gave \w+ and \w+/) });
  });

  it('rejects a statistics module whose report differs between runs', async () => {
    const bundle = `${LEAK}\nvar __module = { default: { meta: { name: 'raw', version: 'x', description: '', queries: {} },
      analyze: function () { return { summary: 'dir ' + leak(), metrics: {} }; } } };`;
    const r = await runCanary('statistics', bundle, []);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^non-deterministic/) });
  });

  it('passes the same statistics module once the leaked value is left out', async () => {
    const bundle = `var __module = { default: { meta: { name: 'raw', version: 'x', description: '', queries: {} },
      analyze: function () { return { summary: 'steady', metrics: { n: 1 } }; } } };`;
    expect(await runCanary('statistics', bundle, [])).toMatchObject({ ok: true });
  });
});
