/**
 * The pair table, built once from AssetPairs (+ TradeVolume for the account's fees), per
 * reference/kraken-api.md §2 and §11. Names are looked up here, never derived by string munging,
 * and prices/volumes are put on the venue's grid here and nowhere else.
 */
import { PAIRS, type Pair } from '../contract/pairs.ts';
import type { FeeRates, PairRules } from '../contract/candle.ts';
import { formatOnGrid, type RoundMode } from './decimal.ts';
import type { AssetPair, TradeVolume } from './schemas.ts';
import { BrainError } from '../contract/errors.ts';

/** Legacy v1 asset codes in `wsname` → WS v2 codes. */
const V2_CODES: Record<string, string> = { XBT: 'BTC', XDG: 'DOGE' };

export interface PairInfo {
  readonly symbol: Pair;
  readonly key: string;
  readonly altname: string;
  readonly wsname: string;
  /** REST asset ids (XXBT, ZUSD). */
  readonly baseId: string;
  readonly quoteId: string;
  /** WS v2 asset codes (BTC, USD). */
  readonly baseCode: string;
  readonly quoteCode: string;
  readonly rules: PairRules;
  /** Exact decimal strings as Kraken sent them. */
  readonly tickSize: string;
  readonly orderMin: string;
  readonly costMin: string;
  readonly fees: FeeRates;
  readonly feeSource: 'tradeVolume' | 'assetPairs' | 'config';
}

export interface PairTableOptions {
  /** The account's fees (TradeVolume); per pair key, percent strings. */
  tradeVolume?: TradeVolume;
  /** Used when neither TradeVolume nor AssetPairs carries a fee for a pair. */
  fallbackFees: FeeRates;
}

export class PairTable {
  private readonly bySymbol = new Map<Pair, PairInfo>();
  private readonly byRestName = new Map<string, PairInfo>();
  private readonly assetCodes = new Map<string, string>();

  constructor(assetPairs: Record<string, AssetPair>, opts: PairTableOptions) {
    for (const [key, raw] of Object.entries(assetPairs)) {
      const info = buildInfo(key, raw, opts);
      if (!info) continue;
      this.bySymbol.set(info.symbol, info);
      for (const name of [info.key, info.altname, info.wsname, info.symbol]) this.byRestName.set(name, info);
      this.assetCodes.set(info.baseId, info.baseCode);
      this.assetCodes.set(info.quoteId, info.quoteCode);
    }
  }

  pairs(): Pair[] {
    return [...this.bySymbol.keys()];
  }

  get(symbol: Pair): PairInfo {
    const info = this.bySymbol.get(symbol);
    if (!info)
      throw new BrainError(`pair ${symbol} is not in Kraken's AssetPairs answer; remove it from config or check the venue`, {
        domain: 'kraken',
        code: 'unknown_pair',
        retryable: false,
      });
    return info;
  }

  /** A REST key, altname, legacy wsname or v2 symbol → the pair; undefined when unknown. */
  find(name: string): PairInfo | undefined {
    return this.byRestName.get(name);
  }

  /** REST asset id (XXBT, ZUSD) → WS v2 code (BTC, USD); undefined when no pair uses it. */
  assetCode(assetId: string): string | undefined {
    return this.assetCodes.get(assetId);
  }

  /** Limit price on the tick grid. Default nearest; a buy may prefer 'floor', a sell 'ceil'. */
  formatPrice(symbol: Pair, price: number, mode: RoundMode = 'nearest'): string {
    const info = this.get(symbol);
    return formatOnGrid(price, info.tickSize, info.rules.priceDecimals, mode);
  }

  /** Volume rounded DOWN to lot decimals, so we never ask for more than we meant. */
  formatVolume(symbol: Pair, volume: number): string {
    const d = this.get(symbol).rules.lotDecimals;
    return formatOnGrid(volume, (10 ** -d).toFixed(d), d, 'floor');
  }

  /** Why Kraken would refuse this size (ordermin / costmin), or null when it passes. */
  minimumProblem(symbol: Pair, volume: string, price: number): string | null {
    const info = this.get(symbol);
    if (Number(volume) < Number(info.orderMin)) return `volume ${volume} is below ordermin ${info.orderMin} for ${symbol}`;
    if (Number(volume) * price < Number(info.costMin)) return `cost ${Number(volume) * price} is below costmin ${info.costMin} for ${symbol}`;
    return null;
  }
}

function buildInfo(key: string, raw: AssetPair, opts: PairTableOptions): PairInfo | undefined {
  const [wsBase, wsQuote] = raw.wsname.split('/');
  if (!wsBase || !wsQuote) return undefined;
  const baseCode = V2_CODES[wsBase] ?? wsBase;
  const quoteCode = V2_CODES[wsQuote] ?? wsQuote;
  const symbol = `${baseCode}/${quoteCode}`;
  if (!(PAIRS as readonly string[]).includes(symbol)) return undefined;
  const tickSize = raw.tick_size ?? (10 ** -raw.pair_decimals).toFixed(raw.pair_decimals);
  const costMin = raw.costmin ?? '0';
  const { fees, source } = pairFees(key, raw, opts);
  return {
    symbol: symbol as Pair,
    key,
    altname: raw.altname,
    wsname: raw.wsname,
    baseId: raw.base,
    quoteId: raw.quote,
    baseCode,
    quoteCode,
    rules: {
      pair: symbol as Pair,
      tickSize: Number(tickSize),
      priceDecimals: raw.pair_decimals,
      lotDecimals: raw.lot_decimals,
      orderMin: Number(raw.ordermin),
      costMin: Number(costMin),
    },
    tickSize,
    orderMin: raw.ordermin,
    costMin,
    fees,
    feeSource: source,
  };
}

/** TradeVolume (the account's real rate) → AssetPairs tier table at the account's volume → config. */
function pairFees(key: string, raw: AssetPair, opts: PairTableOptions): { fees: FeeRates; source: PairInfo['feeSource'] } {
  const tv = opts.tradeVolume;
  const taker = tv?.fees[key]?.fee;
  if (taker !== undefined) {
    const maker = tv?.fees_maker[key]?.fee ?? taker;
    return { fees: { maker: pctToFraction(Number(maker)), taker: pctToFraction(Number(taker)) }, source: 'tradeVolume' };
  }
  const volume = Number(tv?.volume ?? 0);
  const takerPct = tierRate(raw.fees, volume);
  if (takerPct !== undefined) {
    const makerPct = tierRate(raw.fees_maker, volume) ?? takerPct;
    return { fees: { maker: pctToFraction(makerPct), taker: pctToFraction(takerPct) }, source: 'assetPairs' };
  }
  return { fees: opts.fallbackFees, source: 'config' };
}

function tierRate(table: ReadonlyArray<readonly [number, number]>, volume: number): number | undefined {
  let rate: number | undefined;
  for (const [threshold, pct] of table) if (volume >= threshold) rate = pct;
  return rate;
}

/** Kraken fees are percent (0.24 = 0.24 %); 12 significant digits drop the division's float noise. */
function pctToFraction(pct: number): number {
  return Number((pct / 100).toPrecision(12));
}
