/**
 * The matching engine: places orders (status gate → pair rules → open-order cap → funds → engine
 * counter), executes takers against the synthetic book, fills resting limits against replayed trades
 * (maker, limited by the trade's volume), triggers stop-loss / take-profit on the last trade, and runs
 * the dead-man switch on the simulated clock.
 */
import { AccountState, type SimAccount, type SimTrade } from './accounts.ts';
import type { BookSide } from './book.ts';
import { applyFill, finish, remaining, takerLevels, type EngineEvent, type FillContext } from './fills.ts';
import { describeOrder, checkPairRules, type OrderRequest, type SimOrder } from './orders.ts';
import type { RateLimits } from './ratelimit.ts';
import { krakenId, mulberry32, hashSeed } from './rng.ts';
import type { ReplayTrade } from './path.ts';
import type { SimClock } from './sim-clock.ts';
import type { SystemStatus } from './faults.ts';

export interface EngineDeps {
  clock: SimClock;
  seed: number;
  limits: RateLimits;
  /** Book of a pair (by REST key) right now; undefined when the pair is not replayed. */
  book(pairKey: string): BookSide | undefined;
  lastPrice(pairKey: string): number | undefined;
  status(): SystemStatus;
  /** Share of each replayed trade's volume resting orders may take (default 1). */
  participation: number;
  /** Share of a market order's volume the book offers it now (1 = all; the thinLiquidity fault). */
  marketLiquidity?: () => number;
}

export type PlaceResult = { txid?: string; descr: string } | { error: string };
export interface CancelSelector {
  txid?: string[];
  clOrdId?: string[];
  userref?: number[];
}

export class MatchingEngine {
  readonly orders = new Map<string, SimOrder>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly open = new Map<string, SimOrder[]>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly deadman = new Map<string, { timer: unknown; at: number }>();
  private readonly ids: () => number;
  /** The last trade_id per pair (REST key): Kraken's trade numbers are a per-pair sequence. */
  private readonly tradeCounters = new Map<string, number>();
  private readonly ctx: FillContext;

  constructor(
    private readonly deps: EngineDeps,
    accounts: readonly SimAccount[],
  ) {
    for (const a of accounts) this.accounts.set(a.key, new AccountState(a.key, a.balances, a.tier));
    this.ids = mulberry32(hashSeed(deps.seed, 0x1d5));
    this.ctx = {
      now: () => deps.clock.now(),
      nextTradeId: (pairKey) => {
        const tradeId = (this.tradeCounters.get(pairKey) ?? 0) + 1;
        this.tradeCounters.set(pairKey, tradeId);
        return { txid: krakenId('T', this.ids), tradeId };
      },
      emit: (e) => this.listeners.forEach((l) => l(e)),
      unindex: (o) => {
        const list = this.open.get(o.req.pair.key);
        if (list)
          this.open.set(
            o.req.pair.key,
            list.filter((x) => x !== o),
          );
      },
    };
  }

  account(key: string): AccountState | undefined {
    return this.accounts.get(key);
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ordersOf(key: string): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.key === key);
  }

  tradesOf(key: string): SimTrade[] {
    return this.accounts.get(key)?.trades ?? [];
  }

  place(key: string, req: OrderRequest): PlaceResult {
    const account = this.accounts.get(key)!;
    const refused = this.admit(account, req);
    if (refused) return { error: refused };
    const descr = describeOrder(req);
    if (req.validate) return { descr };
    const now = this.deps.clock.now();
    const order: SimOrder = {
      txid: krakenId('O', this.ids),
      key,
      req,
      status: 'pending',
      opentm: now,
      closetm: undefined,
      reason: null,
      volExec: 0,
      cost: 0,
      fee: 0,
      trades: [],
      hold: 0,
      holdAsset: req.side === 'buy' ? req.pair.quote : req.pair.base,
      holdPerUnit: this.holdPerUnit(account, req),
    };
    this.orders.set(order.txid, order);
    this.ctx.emit({ type: 'execution', key, order, execType: 'pending_new', time: now });
    order.status = 'open';
    if (req.kind !== 'market') {
      order.hold = order.holdPerUnit * req.volume;
      account.reserve(order.holdAsset, order.hold);
      this.open.set(req.pair.key, [...(this.open.get(req.pair.key) ?? []), order]);
    }
    this.ctx.emit({ type: 'execution', key, order, execType: 'new', time: now });
    this.onArrival(account, order);
    return { txid: order.txid, descr };
  }

  private admit(account: AccountState, req: OrderRequest): string | undefined {
    const status = this.deps.status();
    if (status === 'maintenance') return 'EService:Unavailable';
    if (status === 'cancel_only') return 'EService:Market in cancel_only mode';
    if (status === 'post_only' && !req.postOnly) return 'EService:Market in post_only mode';
    const last = this.deps.lastPrice(req.pair.key);
    if (last === undefined) return 'EService:Unavailable';
    const rule = checkPairRules(req, last);
    if (rule) return rule;
    const open = this.open.get(req.pair.key)?.filter((o) => o.key === account.key) ?? [];
    if (open.length >= this.deps.limits.maxOpenPerPair(account.tier)) return 'EOrder:Orders limit exceeded';
    if (
      req.clOrdId !== undefined &&
      [...this.orders.values()].some((o) => o.key === account.key && o.req.clOrdId === req.clOrdId && (o.status === 'open' || o.status === 'pending'))
    ) {
      return 'EOrder:Duplicate order';
    }
    if (account.available(req.side === 'buy' ? req.pair.quote : req.pair.base) < this.fundsNeeded(account, req) - 1e-9) return 'EOrder:Insufficient funds';
    if (!req.validate && !this.deps.limits.chargeEngine(account.key, account.tier, req.pair.key, this.deps.clock.now())) return 'EOrder:Rate limit exceeded';
    return undefined;
  }

  private holdPerUnit(account: AccountState, req: OrderRequest): number {
    if (req.side === 'sell') return 1;
    return req.kind === 'market' ? 0 : req.price! * (1 + account.feeRate(false, this.deps.clock.now()));
  }

  private fundsNeeded(account: AccountState, req: OrderRequest): number {
    if (req.side === 'sell') return req.volume;
    if (req.kind !== 'market') return req.volume * this.holdPerUnit(account, req);
    const book = this.deps.book(req.pair.key);
    const cost = book ? takerLevels(book, 'buy', req.volume).reduce((s, l) => s + l.price * l.qty, 0) : Infinity;
    return cost * (1 + account.feeRate(false, this.deps.clock.now()));
  }

  private onArrival(account: AccountState, order: SimOrder): void {
    const { req } = order;
    const book = this.deps.book(req.pair.key)!;
    if (req.kind === 'market') return this.take(account, order, book, undefined, 'Insufficient liquidity', this.deps.marketLiquidity?.() ?? 1);
    if (req.kind !== 'limit') return this.checkTrigger(account, order, this.deps.lastPrice(req.pair.key)!);
    const crosses = req.side === 'buy' ? (book.asks[0]?.price ?? Infinity) <= req.price! : (book.bids[0]?.price ?? 0) >= req.price!;
    if (crosses && req.postOnly) return finish(this.ctx, account, order, 'canceled', 'Post only order');
    if (crosses && this.deps.status() === 'online') this.take(account, order, book, req.price, undefined);
    if (req.tif === 'IOC' && order.status === 'open') finish(this.ctx, account, order, 'expired', 'IOC order');
  }

  /** Taker execution against the book; `leftover` cancels what the book could not fill. */
  private take(account: AccountState, order: SimOrder, book: BookSide, limit: number | undefined, leftover: string | undefined, share = 1): void {
    const wanted = share < 1 ? Number((remaining(order) * share).toFixed(order.req.pair.lotDecimals)) : remaining(order);
    const levels = takerLevels(book, order.req.side, wanted, limit);
    if (order.req.side === 'buy') {
      const cost = levels.reduce((s, l) => s + l.price * l.qty, 0) * (1 + account.feeRate(false, this.deps.clock.now()));
      if (cost > account.available(order.req.pair.quote) + order.hold + 1e-9) return finish(this.ctx, account, order, 'canceled', 'Insufficient funds');
    }
    for (const l of levels) applyFill(this.ctx, account, order, l.price, l.qty, false);
    if (leftover !== undefined && order.status === 'open') finish(this.ctx, account, order, 'canceled', leftover);
  }

  private checkTrigger(account: AccountState, order: SimOrder, price: number): void {
    const { side, kind, price: trigger } = order.req;
    const up = price >= trigger!;
    const down = price <= trigger!;
    const hit = kind === 'stop-loss' ? (side === 'sell' ? down : up) : side === 'sell' ? up : down;
    if (hit && this.deps.status() === 'online') this.take(account, order, this.deps.book(order.req.pair.key)!, undefined, 'Insufficient liquidity');
  }

  /** A replayed trade printed: fill crossing resting limits (price-time priority) and fire triggers. */
  onTrade(pairKey: string, trade: ReplayTrade): void {
    const list = this.open.get(pairKey);
    if (!list || list.length === 0 || this.deps.status() !== 'online') return;
    let volume = trade.qty * this.deps.participation;
    const limits = list.filter((o) => o.req.kind === 'limit').sort((a, b) => priority(a, b));
    for (const order of limits) {
      const p = order.req.price!;
      if (volume <= 0 || (order.req.side === 'buy' ? trade.price > p : trade.price < p)) continue;
      const qty = Math.min(volume, remaining(order));
      volume -= qty;
      applyFill(this.ctx, this.accounts.get(order.key)!, order, p, qty, true);
    }
    for (const order of list.filter((o) => o.req.kind !== 'limit')) this.checkTrigger(this.accounts.get(order.key)!, order, trade.price);
  }

  /** Cancels the account's open orders matching the selector; returns how many. */
  cancel(key: string, sel: CancelSelector, reason = 'User requested'): number {
    const account = this.accounts.get(key)!;
    const targets = [...this.orders.values()].filter(
      (o) =>
        o.key === key &&
        o.status === 'open' &&
        (sel.txid?.includes(o.txid) ||
          (o.req.clOrdId !== undefined && sel.clOrdId?.includes(o.req.clOrdId)) ||
          (o.req.userref !== undefined && sel.userref?.includes(o.req.userref))),
    );
    for (const o of targets) {
      this.deps.limits.chargeEngine(key, account.tier, o.req.pair.key, this.deps.clock.now(), this.deps.clock.now() - o.opentm);
      finish(this.ctx, account, o, 'canceled', reason);
    }
    return targets.length;
  }

  cancelAll(key: string, reason = 'User requested'): number {
    const ids = this.ordersOf(key)
      .filter((o) => o.status === 'open')
      .map((o) => o.txid);
    return this.cancel(key, { txid: ids }, reason);
  }

  /** When the account's dead-man switch fires (ms), or null when it is not armed. */
  deadmanAt(key: string): number | null {
    return this.deadman.get(key)?.at ?? null;
  }

  /** Dead-man switch: (re)arms for `timeoutSec` (0 disarms). Returns the trigger time (0 when disarmed). */
  setDeadman(key: string, timeoutSec: number): number {
    const prev = this.deadman.get(key);
    if (prev) this.deps.clock.clearTimeout(prev.timer);
    this.deadman.delete(key);
    if (timeoutSec <= 0) return 0;
    const at = this.deps.clock.now() + timeoutSec * 1000;
    const timer = this.deps.clock.setTimeout(() => {
      this.deadman.delete(key);
      this.cancelAll(key, 'Dead man switch');
    }, timeoutSec * 1000);
    this.deadman.set(key, { timer, at });
    return at;
  }
}

function priority(a: SimOrder, b: SimOrder): number {
  const better = a.req.side === 'buy' ? b.req.price! - a.req.price! : a.req.price! - b.req.price!;
  return better !== 0 ? better : a.opentm - b.opentm;
}
