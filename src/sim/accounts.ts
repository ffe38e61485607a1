/**
 * Simulated accounts: balances keyed by Kraken asset id (ZUSD, XXBT), holds reserved by open orders,
 * the trades made, and the 30-day USD volume that picks the fee tier (§11). Suffixed holdings
 * (`XXBT.F`, `ETH2.S`, `USD.M`: earn/staking/margin wallets, §2) live in a map of their own so that no
 * hold, fill or TradeBalance figure can ever reach them; only Balance/BalanceEx show them.
 */
import { assetById, FEES_MAKER, FEES_TAKER, feePercent } from './pairs.ts';
import { BrainError } from '../contract/errors.ts';

export type Tier = 'starter' | 'intermediate' | 'pro';

export interface SimAccount {
  key: string;
  /** base64, as Kraken issues it. */
  secret: string;
  /** Kraken asset ids: { ZUSD: '10000', XXBT: '0' }, plus suffixed non-spot ids like 'XXBT.F': '0.5'. */
  balances: Record<string, string>;
  tier?: Tier;
}

/** The default test account; its secret is Kraken's published example secret (§5), so signatures are checkable. */
export const SIM_TEST_ACCOUNT: SimAccount = {
  key: 'sim-test-key',
  secret: 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==',
  balances: { ZUSD: '10000' },
  tier: 'intermediate',
};

export interface SimTrade {
  readonly txid: string;
  readonly tradeId: number;
  readonly ordertxid: string;
  readonly pairKey: string;
  readonly time: number;
  readonly side: 'buy' | 'sell';
  readonly ordertype: string;
  readonly price: number;
  readonly vol: number;
  readonly cost: number;
  readonly fee: number;
  readonly maker: boolean;
}

const MONTH_MS = 30 * 86_400_000;
/** `<asset>.<wallet letter(s)>`; the asset part need not be a spot asset (`ETH2.S`). */
const SUFFIXED_ID = /^[A-Z0-9]+\.[A-Z]+$/;

export class AccountState {
  /** Spot balances: the only ones orders hold, fills move and TradeBalance values. */
  readonly balances = new Map<string, number>();
  /** Suffixed earn/staking/margin holdings, fixed for the life of the sim. */
  readonly suffixed = new Map<string, number>();
  readonly holds = new Map<string, number>();
  readonly trades: SimTrade[] = [];
  readonly tier: Tier;

  constructor(
    readonly key: string,
    init: Record<string, string>,
    tier: Tier | undefined,
  ) {
    this.tier = tier ?? 'intermediate';
    for (const [asset, amount] of Object.entries(init)) {
      if (SUFFIXED_ID.test(asset)) this.suffixed.set(asset, Number(amount));
      else if (assetById(asset)) this.balances.set(asset, Number(amount));
      else
        throw new BrainError(
          `sim account ${key}: unknown asset id "${asset}"; use Kraken ids like ZUSD, XXBT, XETH, SOL, XXDG, or a suffixed wallet id like XXBT.F`,
          { domain: 'sim', code: 'unknown_asset', retryable: false },
        );
    }
  }

  balance(asset: string): number {
    return this.balances.get(asset) ?? 0;
  }

  hold(asset: string): number {
    return this.holds.get(asset) ?? 0;
  }

  available(asset: string): number {
    return this.balance(asset) - this.hold(asset);
  }

  credit(asset: string, amount: number): number {
    const next = this.balance(asset) + amount;
    this.balances.set(asset, Math.abs(next) < 1e-12 ? 0 : next);
    return this.balance(asset);
  }

  reserve(asset: string, amount: number): void {
    const next = this.hold(asset) + amount;
    this.holds.set(asset, next < 1e-12 ? 0 : next);
  }

  /** USD traded in the 30 days before `now` (fee tier volume). */
  volume30d(now: number): number {
    let sum = 0;
    for (let i = this.trades.length - 1; i >= 0 && this.trades[i]!.time > now - MONTH_MS; i--) sum += this.trades[i]!.cost;
    return sum;
  }

  /** Fee rate as a fraction for this account now. */
  feeRate(maker: boolean, now: number): number {
    return feePercent(maker ? FEES_MAKER : FEES_TAKER, this.volume30d(now)) / 100;
  }
}
