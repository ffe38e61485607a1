/**
 * Replays 30 days of 5m candles for 5 pairs through the simulator as fast as possible (every trade of
 * every candle path, the matching engine and the timers) and prints the seconds. Target: < 10 s.
 * data/sample holds 21 days, so the bench reads the 92-day shared set when it is present.
 */
import { existsSync } from 'node:fs';
import { startKrakenSim, DEFAULT_SIM_DATA_DIR } from '../src/sim/index.ts';
import { SHARED_OHLCV_DIR } from '../src/paths.ts';

const DAYS = 30;

export default async function (): Promise<void> {
  const dataDir = existsSync(SHARED_OHLCV_DIR) ? SHARED_OHLCV_DIR : DEFAULT_SIM_DATA_DIR;
  const startTime = Date.UTC(2024, 6, 1);
  const sim = await startKrakenSim({ dataDir, pairs: ['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD', 'DOGE/USD'], startTime, seed: 1 });
  const started = performance.now();
  for (let day = 0; day < DAYS; day++) await sim.advance(86_400_000);
  const seconds = (performance.now() - started) / 1000;
  await sim.close();
  console.log(`sim replay: ${DAYS} days × 5 pairs of 5m candles from ${dataDir}`);
  console.log(`sim replay: ${seconds.toFixed(2)} s (target < 10 s), replay clock at ${new Date(sim.clock.now()).toISOString()}`);
}
