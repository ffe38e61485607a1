/**
 * The REST façade the daemon uses: pair table, status, tickers, balances, WS tokens.
 * Orders live in orders.ts and candles in ohlc.ts; both take this client.
 */
import type { FeeRates, Ticker } from '../contract/candle.ts';
import type { Pair } from '../contract/pairs.ts';
import { KrakenError } from './errors.ts';
import { PairTable } from './pairs.ts';
import { KrakenRest, type CallOptions, type KrakenRestOptions } from './rest.ts';
import { AssetPairsSchema, BalanceExSchema, SystemStatusSchema, TickerSchema, TimeSchema, TradeVolumeSchema, WsTokenSchema } from './schemas.ts';
import { BrainError } from '../contract/errors.ts';

export interface KrakenClientOptions extends KrakenRestOptions {
  /** Fees used when neither TradeVolume nor AssetPairs gives one (config `fees.fallback`). */
  fallbackFees: FeeRates;
}

export interface AssetBalance {
  readonly total: number;
  /** total + credit − credit_used − hold_trade. */
  readonly available: number;
}

export interface Balances {
  /** Spot balances by WS v2 code (BTC, USD). */
  readonly spot: Readonly<Record<string, AssetBalance>>;
  /** Earn/staking/margin wallets (`XXBT.F`, `ETH2.S`, `USD.M`…) by Kraken name: never spendable. */
  readonly locked: Readonly<Record<string, number>>;
}

export type SystemStatus = 'online' | 'maintenance' | 'cancel_only' | 'post_only';

export class KrakenClient {
  readonly rest: KrakenRest;
  private table: PairTable | undefined;

  constructor(private readonly opts: KrakenClientOptions) {
    this.rest = new KrakenRest(opts);
  }

  get pairs(): PairTable {
    if (!this.table)
      throw new BrainError('the Kraken pair table is not loaded yet; call loadPairs() at startup', {
        domain: 'kraken',
        code: 'pairs_not_loaded',
        retryable: false,
      });
    return this.table;
  }

  /** AssetPairs, plus TradeVolume when we have credentials (the account's real fees). */
  async loadPairs(call: CallOptions = {}): Promise<PairTable> {
    const assetPairs = await this.rest.publicCall('AssetPairs', {}, AssetPairsSchema, call);
    const keys = Object.keys(assetPairs).join(',');
    const tradeVolume = this.opts.credentials ? await this.rest.privateCall('TradeVolume', { pair: keys }, TradeVolumeSchema, call) : undefined;
    this.table = new PairTable(assetPairs, { fallbackFees: this.opts.fallbackFees, ...(tradeVolume ? { tradeVolume } : {}) });
    return this.table;
  }

  async serverTime(call: CallOptions = {}): Promise<number> {
    const r = await this.rest.publicCall('Time', {}, TimeSchema, call);
    return r.unixtime * 1000;
  }

  async systemStatus(call: CallOptions = {}): Promise<SystemStatus> {
    return (await this.rest.publicCall('SystemStatus', {}, SystemStatusSchema, call)).status;
  }

  async tickers(pairs: readonly Pair[], call: CallOptions = {}): Promise<Map<Pair, Ticker>> {
    const table = this.pairs;
    const raw = await this.rest.publicCall('Ticker', { pair: pairs.map((p) => table.get(p).altname).join(',') }, TickerSchema, call);
    const now = this.opts.clock.now();
    const out = new Map<Pair, Ticker>();
    for (const [name, t] of Object.entries(raw)) {
      const info = table.find(name);
      if (info) out.set(info.symbol, { ask: Number(t.a[0]), bid: Number(t.b[0]), last: Number(t.c[0]), time: now });
    }
    return out;
  }

  async balances(call: CallOptions = {}): Promise<Balances> {
    const raw = await this.rest.privateCall('BalanceEx', {}, BalanceExSchema, call);
    return splitBalances(raw, this.pairs);
  }

  /** A fresh token for one private WS connection (valid 15 min until used). */
  async wsToken(call: CallOptions = {}): Promise<string> {
    return (await this.rest.privateCall('GetWebSocketsToken', {}, WsTokenSchema, call)).token;
  }
}

type RawBalances = Record<string, { balance: string; hold_trade?: string | undefined; credit?: string | undefined; credit_used?: string | undefined }>;

/** Spot balances by v2 code; suffixed wallets (`.F`, `.S`, `.M`, …) kept apart as not spendable. */
export function splitBalances(raw: RawBalances, table: PairTable): Balances {
  const spot: Record<string, AssetBalance> = {};
  const locked: Record<string, number> = {};
  for (const [id, b] of Object.entries(raw)) {
    const total = Number(b.balance);
    if (id.includes('.')) {
      locked[id] = total;
      continue;
    }
    const available = total + Number(b.credit ?? 0) - Number(b.credit_used ?? 0) - Number(b.hold_trade ?? 0);
    spot[table.assetCode(id) ?? id] = { total, available };
  }
  return { spot, locked };
}

export function isKrakenError(err: unknown, kind?: KrakenError['kind']): err is KrakenError {
  return err instanceof KrakenError && (kind === undefined || err.kind === kind);
}
