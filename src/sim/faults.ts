/**
 * Fault injection: what tests (and `brain sim` flags) use to make the venue misbehave the way Kraken
 * does. Request faults are one-shot rules matched by method name (REST `AddOrder` or WS `add_order`)
 * and consumed in order; connection faults act on the live sockets through hooks the servers register.
 */
export type SystemStatus = 'online' | 'maintenance' | 'cancel_only' | 'post_only';
export type WsScope = 'public' | 'private' | 'all';

export type RequestFault =
  /** Answer with a non-2xx status; `html` sends a Cloudflare-like HTML page instead of JSON. */
  | { kind: 'http'; status: number; html: boolean }
  /** Answer HTTP 200 with `{"error":[error]}` without running the call. */
  | { kind: 'api'; error: string }
  /** Run the call (the order exists), then never answer: the socket is destroyed. */
  | { kind: 'lose' }
  /** Run the call, then hold the answer until the simulated clock has moved `ms`. */
  | { kind: 'delay'; ms: number }
  /** Hold the request unrun until the simulated clock has moved `ms`, then run it and answer: a request still on the wire. */
  | { kind: 'hold'; ms: number };

interface Rule {
  fault: RequestFault;
  method: string | undefined;
  times: number;
}

export interface FaultHooks {
  dropWs(scope: WsScope): number;
  /** Going dark: every socket dropped at once (new ones are refused while dark). */
  darkened(): void;
  setWsStalled(scope: WsScope, stalled: boolean): void;
  statusChanged(status: SystemStatus): void;
}

export interface FaultTarget {
  /** Method name (REST `AddOrder` / WS `add_order`); omitted = any request. */
  method?: string;
  /** How many matching requests the fault affects (default 1). */
  times?: number;
}

export class FaultInjector {
  private rules: Rule[] = [];
  private thin: Array<{ share: number; times: number }> = [];
  private bookCorruptions: Array<{ symbol: string | undefined; times: number }> = [];
  private current: SystemStatus = 'online';
  private dark = false;
  private readonly hooks: FaultHooks[] = [];

  /** @internal servers register here. */
  attach(hooks: FaultHooks): void {
    this.hooks.push(hooks);
  }

  failHttp(status = 502, opts: FaultTarget & { html?: boolean } = {}): void {
    this.add({ kind: 'http', status, html: opts.html ?? false }, opts);
  }

  /** e.g. 'EAPI:Rate limit exceeded', 'EService:Unavailable', 'EService:Busy', 'EGeneral:Internal error'. */
  failApi(error: string, opts: FaultTarget = {}): void {
    this.add({ kind: 'api', error }, opts);
  }

  loseResponse(opts: FaultTarget = {}): void {
    this.add({ kind: 'lose' }, opts);
  }

  delayResponse(ms: number, opts: FaultTarget = {}): void {
    this.add({ kind: 'delay', ms }, opts);
  }

  /** The request reaches the venue only once the simulated clock has moved `ms`: it runs then even if its sender is gone. */
  holdRequest(ms: number, opts: FaultTarget = {}): void {
    this.add({ kind: 'hold', ms }, opts);
  }

  /** Terminates sockets without a close frame; returns how many were dropped. */
  dropWs(scope: WsScope = 'all'): number {
    return this.hooks.reduce((n, h) => n + h.dropWs(scope), 0);
  }

  /**
   * A network outage: every WebSocket dropped, new ones and every REST request refused (the connection is
   * reset), while the market goes on replaying, until comeBack(). What a daemon sees when its host loses
   * the network or Kraken is unreachable.
   */
  goDark(): void {
    this.dark = true;
    this.hooks.forEach((h) => h.darkened());
  }

  comeBack(): void {
    this.dark = false;
  }

  /** @internal whether the servers must refuse a new connection or request. */
  isDark(): boolean {
    return this.dark;
  }

  /** Keeps sockets open but sends nothing (no data, no heartbeats, no replies) until resumeWs(). */
  stallWs(scope: WsScope = 'all'): void {
    this.hooks.forEach((h) => h.setWsStalled(scope, true));
  }

  resumeWs(scope: WsScope = 'all'): void {
    this.hooks.forEach((h) => h.setWsStalled(scope, false));
  }

  /**
   * The next `times` market orders find liquidity for only `share` (0..1) of their volume: that part fills,
   * the rest is cancelled ('Insufficient liquidity'), as on a thin book. A partly filled order, on demand.
   */
  thinLiquidity(share: number, opts: { times?: number } = {}): void {
    if (!(share >= 0 && share <= 1)) throw new RangeError(`thinLiquidity share must be within 0..1, got ${share}`);
    this.thin.push({ share, times: opts.times ?? 1 });
  }

  /** @internal the share of a market order's volume the book offers (1 unless thinLiquidity applies), consuming one use. */
  takeLiquidityShare(): number {
    const t = this.thin[0];
    if (!t) return 1;
    t.times -= 1;
    if (t.times <= 0) this.thin.shift();
    return t.share;
  }

  /** The next `times` book messages (for `symbol`, or any) carry a wrong checksum. */
  corruptBookChecksum(opts: { symbol?: string; times?: number } = {}): void {
    this.bookCorruptions.push({ symbol: opts.symbol, times: opts.times ?? 1 });
  }

  /** Switches the engine state: REST SystemStatus, a WS status push, and order rejections follow. */
  setSystemStatus(status: SystemStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.hooks.forEach((h) => h.statusChanged(status));
  }

  systemStatus(): SystemStatus {
    return this.current;
  }

  /** Removes pending request and book faults and goes back online. */
  clear(): void {
    this.dark = false;
    this.rules = [];
    this.thin = [];
    this.bookCorruptions = [];
    this.resumeWs();
    this.setSystemStatus('online');
  }

  /** @internal the fault for this request, consuming one use of the first matching rule. */
  take(method: string): RequestFault | undefined {
    const rule = this.rules.find((r) => r.method === undefined || r.method === method);
    if (!rule) return undefined;
    rule.times -= 1;
    if (rule.times <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.fault;
  }

  /** @internal whether the next book message for `symbol` must be corrupted. */
  takeBookCorruption(symbol: string): boolean {
    const c = this.bookCorruptions.find((x) => x.symbol === undefined || x.symbol === symbol);
    if (!c) return false;
    c.times -= 1;
    if (c.times <= 0) this.bookCorruptions = this.bookCorruptions.filter((x) => x !== c);
    return true;
  }

  private add(fault: RequestFault, opts: FaultTarget): void {
    this.rules.push({ fault, method: opts.method, times: opts.times ?? 1 });
  }
}
