/**
 * The simulator's pair and asset table, per reference/kraken-api.md §2 and §11: REST keys (XXBTZUSD),
 * altnames (XBTUSD), legacy wsnames (XBT/USD), v2 symbols (BTC/USD) and asset ids (XXBT, ZUSD).
 * Lookups go through this table only; names are never derived by string munging.
 */
import { PAIRS, type Pair } from '../contract/pairs.ts';

export interface SimPairInfo {
  readonly symbol: Pair;
  readonly key: string;
  readonly altname: string;
  readonly wsname: string;
  /** REST asset ids. */
  readonly base: string;
  readonly quote: string;
  /** WS v2 asset codes (balances, fees). */
  readonly wsBase: string;
  readonly wsQuote: string;
  readonly pairDecimals: number;
  readonly lotDecimals: number;
  readonly costDecimals: number;
  readonly tickSize: number;
  readonly orderMin: number;
  readonly costMin: number;
}

type Row = [Pair, string, string, string, string, string, number, number, number, number];
// symbol, key, altname, wsname, base id, ws base, pair_decimals, cost_decimals, ordermin, costmin
const ROWS: Row[] = [
  ['BTC/USD', 'XXBTZUSD', 'XBTUSD', 'XBT/USD', 'XXBT', 'BTC', 1, 5, 0.00005, 0.5],
  ['ETH/USD', 'XETHZUSD', 'ETHUSD', 'ETH/USD', 'XETH', 'ETH', 2, 5, 0.002, 0.5],
  ['SOL/USD', 'SOLUSD', 'SOLUSD', 'SOL/USD', 'SOL', 'SOL', 2, 5, 0.06, 0.5],
  ['XRP/USD', 'XXRPZUSD', 'XRPUSD', 'XRP/USD', 'XXRP', 'XRP', 5, 8, 1.65, 0.5],
  ['ADA/USD', 'ADAUSD', 'ADAUSD', 'ADA/USD', 'ADA', 'ADA', 6, 8, 20, 0.5],
  ['DOT/USD', 'DOTUSD', 'DOTUSD', 'DOT/USD', 'DOT', 'DOT', 4, 8, 3.9, 0.5],
  ['AVAX/USD', 'AVAXUSD', 'AVAXUSD', 'AVAX/USD', 'AVAX', 'AVAX', 2, 5, 0.5, 0.5],
  ['LINK/USD', 'LINKUSD', 'LINKUSD', 'LINK/USD', 'LINK', 'LINK', 5, 8, 0.55, 0.5],
  ['DOGE/USD', 'XDGUSD', 'XDGUSD', 'XDG/USD', 'XXDG', 'DOGE', 7, 9, 50, 0.5],
];

export const SIM_PAIRS: readonly SimPairInfo[] = ROWS.map(([symbol, key, altname, wsname, base, wsBase, pairDecimals, costDecimals, orderMin, costMin]) => ({
  symbol,
  key,
  altname,
  wsname,
  base,
  quote: 'ZUSD',
  wsBase,
  wsQuote: 'USD',
  pairDecimals,
  lotDecimals: 8,
  costDecimals,
  tickSize: Number((10 ** -pairDecimals).toFixed(pairDecimals)),
  orderMin,
  costMin,
}));

/** Taker / maker fee tiers: [30-day USD volume, percent] (§11). */
export const FEES_TAKER: ReadonlyArray<readonly [number, number]> = [
  [0, 0.4],
  [10_000, 0.35],
  [50_000, 0.24],
  [100_000, 0.22],
  [250_000, 0.2],
  [500_000, 0.18],
  [1_000_000, 0.16],
  [2_500_000, 0.14],
  [5_000_000, 0.12],
  [10_000_000, 0.1],
];
export const FEES_MAKER: ReadonlyArray<readonly [number, number]> = [
  [0, 0.25],
  [10_000, 0.2],
  [50_000, 0.14],
  [100_000, 0.12],
  [250_000, 0.1],
  [500_000, 0.08],
  [1_000_000, 0.06],
  [2_500_000, 0.04],
  [5_000_000, 0.02],
  [10_000_000, 0],
];

export interface SimAssetInfo {
  readonly id: string;
  readonly altname: string;
  readonly wsCode: string;
  readonly decimals: number;
  readonly displayDecimals: number;
}

export const SIM_ASSETS: readonly SimAssetInfo[] = [
  { id: 'ZUSD', altname: 'USD', wsCode: 'USD', decimals: 4, displayDecimals: 2 },
  ...SIM_PAIRS.map((p) => ({
    id: p.base,
    altname: p.base === 'XXBT' ? 'XBT' : p.base === 'XXDG' ? 'XDG' : p.wsBase,
    wsCode: p.wsBase,
    decimals: 10,
    displayDecimals: 5,
  })),
];

const byName = new Map<string, SimPairInfo>();
for (const p of SIM_PAIRS) {
  byName.set(p.key, p);
  byName.set(p.altname, p);
}
const bySymbol = new Map<string, SimPairInfo>(SIM_PAIRS.map((p) => [p.symbol, p]));
const assetsById = new Map<string, SimAssetInfo>(SIM_ASSETS.map((a) => [a.id, a]));
const assetByAny = new Map<string, SimAssetInfo>();
for (const a of SIM_ASSETS) for (const n of [a.id, a.altname, a.wsCode]) assetByAny.set(n, a);

/** REST lookup: pair key or altname (not the v2 symbol, which REST does not document). */
export function pairByRestName(name: string): SimPairInfo | undefined {
  return byName.get(name);
}

export function pairBySymbol(symbol: string): SimPairInfo | undefined {
  return bySymbol.get(symbol);
}

export function assetById(id: string): SimAssetInfo | undefined {
  return assetsById.get(id);
}

/** Asset by REST id, altname or WS code (the `asset` parameter accepts any of them). */
export function assetByName(name: string): SimAssetInfo | undefined {
  return assetByAny.get(name);
}

export function isKnownPair(p: string): p is Pair {
  return (PAIRS as readonly string[]).includes(p);
}

/** The fee percent for a 30-day USD volume in a tier table. */
export function feePercent(table: ReadonlyArray<readonly [number, number]>, volumeUsd: number): number {
  let pct = table[0]![1];
  for (const [min, p] of table) if (volumeUsd >= min) pct = p;
  return pct;
}
