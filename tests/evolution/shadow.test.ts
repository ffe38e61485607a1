/**
 * A paper test's shadow on the real live-scan path (a sandbox child of the momentum fixture module): its
 * decisions, traded by the engine, are exactly its backtest replay of the same window (inv. 1), and a
 * shadow restarted half-way catches up from the stored candles to the same decisions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { judgePaperTest } from '../../src/evolution/paper-judge.ts';
import { startVersionRunner } from '../../src/evolution/setup.ts';
import { Shadow, type ShadowDeps } from '../../src/evolution/shadow.ts';
import { EvolutionSchema } from '../../src/evolution/config.ts';
import { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { LiveStrategy } from '../../src/sandbox/live.ts';
import { bundleOf, REPO_ROOT, rules } from '../sandbox/helpers.ts';
import { storedHourlyMarket, T0, waveMarket } from './fixtures.ts';

const HOUR = 3_600_000;
const data = waveMarket(['BTC/USD', 'ETH/USD'], 24 * 5);
const db = openDatabase({ path: ':memory:' });
const repos = createRepositories(db);
afterAll(() => db.close());
const market = storedHourlyMarket(data, repos);
const startedAt = T0 + 2 * 24 * HOUR;
const candles = (from: number, to: number) =>
  data.pairs.flatMap((pair) => repos.candles.range(pair, '1h', from, to).map((candle) => ({ pair, candle }))).sort((a, b) => a.candle.time - b.candle.time);

async function shadowDeps(id: string, bundle: string, now: () => number): Promise<ShadowDeps> {
  return {
    market,
    decisions: repos.evolution,
    now,
    startStrategy: (view) =>
      LiveStrategy.start(
        {
          setups: data.pairs.map((pair) => ({ pair, params: {}, fees: { maker: 0.0025, taker: 0.004 }, rules: rules(pair) })),
          warmupBars: 24,
          position: (pair) => view().positions[pair] ?? null,
          equity: () => view().equity,
          startHost: (v) => StrategyHost.start({ versionId: v.id, kind: 'strategy', bundle: v.bundle }),
        },
        { id, bundle },
      ),
  };
}

describe('paper-test shadow', () => {
  it('trades what its backtest replay of the window trades, and a restarted shadow catches up to the same decisions', async () => {
    const bundle = await bundleOf(readFileSync(join(REPO_ROOT, 'tests/evolution/momentum-module.ts'), 'utf8'));
    const end = T0 + 5 * 24 * HOUR;
    let now = startedAt;
    const a = await Shadow.start(await shadowDeps('pt-a', bundle, () => now), { id: 'pt-a', startedAt, lastCandleTime: null });
    let last = null;
    for (const { pair, candle } of candles(startedAt, end)) {
      now = candle.time + HOUR;
      last = (await a.shadow.onCandle(pair, candle)) ?? last;
    }
    await a.shadow.flush();
    await a.shadow.close();
    expect(last!.trades).toBeGreaterThan(2);
    const runnerFor = async () => startVersionRunner({ id: 'v', bundle });
    const verdict = await judgePaperTest(
      { market, decisions: repos.evolution, evolution: EvolutionSchema.parse({}), runnerFor },
      { id: 'pt-a', versionId: 'v', incumbentId: null, from: startedAt, to: end, minTrades: 1 },
    );
    expect(verdict.drift).toEqual([]);
    expect(verdict.shadow).toEqual(verdict.replay);

    // The same test interrupted after a day: a new shadow warms on the stored candles and scans the rest.
    const half = startedAt + 24 * HOUR;
    now = startedAt;
    const b1 = await Shadow.start(await shadowDeps('pt-b', bundle, () => now), { id: 'pt-b', startedAt, lastCandleTime: null });
    let lastScanned = 0;
    for (const { pair, candle } of candles(startedAt, half)) {
      now = candle.time + HOUR;
      const p = await b1.shadow.onCandle(pair, candle);
      if (p) lastScanned = p.lastCandleTime;
    }
    await b1.shadow.close();
    now = end;
    const b2 = await Shadow.start(await shadowDeps('pt-b', bundle, () => now), { id: 'pt-b', startedAt, lastCandleTime: lastScanned });
    await b2.shadow.close();
    expect(repos.evolution.decisions('pt-b')).toEqual(repos.evolution.decisions('pt-a'));
  }, 60_000);
});
