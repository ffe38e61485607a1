/**
 * The Kraken simulator's public API (how to drive it: docs/simulator.md): a loopback
 * Kraken speaking REST v0 and WebSocket v2 exactly as reference/kraken-api.md describes, replaying real
 * candles on a simulated clock, with a matching engine and fault injection.
 */
export { startKrakenSim, DEFAULT_SIM_DATA_DIR, type KrakenSim, type SimOptions, type SimEngineView } from './sim.ts';
export { SIM_TEST_ACCOUNT, type SimAccount, type SimTrade, type Tier } from './accounts.ts';
export { FaultInjector, type SystemStatus, type WsScope, type FaultTarget } from './faults.ts';
export { signRequest } from './auth.ts';
export { bookChecksum } from './checksum.ts';
export { SIM_PAIRS, SIM_ASSETS, type SimPairInfo } from './pairs.ts';
export type { SimOrder } from './orders.ts';
export type { SimClock } from './sim-clock.ts';
