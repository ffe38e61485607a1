/**
 * Order requests as the engine sees them, parsed from REST AddOrder form fields or WS v2 add_order
 * params, and the per-pair rule checks with Kraken's error strings (§3, §6.1, §11). Parsing errors
 * come first (EGeneral:Invalid arguments), then the pair, then the pair rules.
 */
import { decimalsOf, onGrid } from './format.ts';
import { pairByRestName, pairBySymbol, type SimPairInfo } from './pairs.ts';

export type OrderKind = 'market' | 'limit' | 'stop-loss' | 'take-profit';
export type Side = 'buy' | 'sell';
export type OrderStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'expired';

export interface OrderRequest {
  pair: SimPairInfo;
  side: Side;
  kind: OrderKind;
  volume: number;
  /** Limit price (limit) or trigger price (stop-loss / take-profit). */
  price: number | undefined;
  postOnly: boolean;
  tif: 'GTC' | 'IOC';
  userref: number | undefined;
  clOrdId: string | undefined;
  validate: boolean;
}

export interface SimOrder {
  readonly txid: string;
  readonly key: string;
  readonly req: OrderRequest;
  status: OrderStatus;
  readonly opentm: number;
  closetm: number | undefined;
  reason: string | null;
  volExec: number;
  cost: number;
  fee: number;
  readonly trades: string[];
  /** Amount still reserved in `holdAsset` for the unfilled part. */
  hold: number;
  readonly holdAsset: string;
  /** Hold per unit of unfilled volume: limit/trigger price × (1 + taker fee) for buys, 1 for sells. */
  readonly holdPerUnit: number;
}

export type Parsed<T> = { ok: T } | { error: string };

const KINDS: readonly string[] = ['market', 'limit', 'stop-loss', 'take-profit'];
const CL_ORD_ID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}|[\x20-\x7e]{1,18})$/;

function invalid(field: string): { error: string } {
  return { error: `EGeneral:Invalid arguments:${field}` };
}

function positiveNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
}

function common(
  f: { side?: string; kind?: string; volume?: string; price?: string; userref?: string; clOrdId?: string },
  pair: SimPairInfo | undefined,
): Parsed<Omit<OrderRequest, 'postOnly' | 'tif' | 'validate'>> {
  if (f.side !== 'buy' && f.side !== 'sell') return invalid('type');
  if (f.kind === undefined || !KINDS.includes(f.kind)) return invalid('ordertype');
  const volume = positiveNumber(f.volume);
  if (volume === undefined) return invalid('volume');
  const price = f.price === undefined ? undefined : positiveNumber(f.price);
  if ((f.kind !== 'market' && f.price === undefined) || (f.price !== undefined && price === undefined)) return invalid('price');
  const userref = f.userref === undefined ? undefined : Number(f.userref);
  if (userref !== undefined && !(Number.isInteger(userref) && Math.abs(userref) < 2 ** 31)) return invalid('userref');
  if (f.clOrdId !== undefined && !CL_ORD_ID.test(f.clOrdId)) return invalid('cl_ord_id');
  if (f.clOrdId !== undefined && userref !== undefined) return invalid('cl_ord_id');
  if (!pair) return { error: 'EQuery:Unknown asset pair' };
  if (decimalsOf(f.volume!) > pair.lotDecimals) return invalid('volume');
  return { ok: { pair, side: f.side, kind: f.kind as OrderKind, volume, price, userref, clOrdId: f.clOrdId } };
}

/** REST AddOrder form fields → request. */
export function parseRestOrder(form: URLSearchParams): Parsed<OrderRequest> {
  const pairName = form.get('pair');
  if (pairName === null) return invalid('pair');
  const base = common(
    {
      side: form.get('type') ?? undefined,
      kind: form.get('ordertype') ?? undefined,
      volume: form.get('volume') ?? undefined,
      price: form.get('price') ?? undefined,
      userref: form.get('userref') ?? undefined,
      clOrdId: form.get('cl_ord_id') ?? undefined,
    },
    pairByRestName(pairName),
  );
  if ('error' in base) return base;
  const flags = (form.get('oflags') ?? '').split(',').filter(Boolean);
  const tif = (form.get('timeinforce') ?? 'GTC').toUpperCase();
  if (tif !== 'GTC' && tif !== 'IOC') return invalid('timeinforce');
  const validate = ['true', '1'].includes(form.get('validate') ?? '');
  return finish({ ...base.ok, postOnly: flags.includes('post'), tif, validate });
}

/** WS v2 add_order params → request. Numbers arrive as JSON numbers. */
export function parseWsOrder(p: Record<string, unknown>): Parsed<OrderRequest> {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : undefined);
  const triggers = (p.triggers ?? {}) as Record<string, unknown>;
  const kind = typeof p.order_type === 'string' ? p.order_type : undefined;
  const isStop = kind === 'stop-loss' || kind === 'take-profit';
  const base = common(
    {
      side: typeof p.side === 'string' ? p.side : undefined,
      kind,
      volume: num(p.order_qty),
      price: num(isStop ? triggers.price : p.limit_price),
      userref: p.order_userref === undefined ? undefined : String(p.order_userref),
      clOrdId: typeof p.cl_ord_id === 'string' ? p.cl_ord_id : undefined,
    },
    typeof p.symbol === 'string' ? pairBySymbol(p.symbol) : undefined,
  );
  if ('error' in base) return base;
  const tif = String(p.time_in_force ?? 'gtc').toUpperCase();
  if (tif !== 'GTC' && tif !== 'IOC') return invalid('time_in_force');
  return finish({ ...base.ok, postOnly: p.post_only === true, tif, validate: p.validate === true });
}

function finish(req: OrderRequest): Parsed<OrderRequest> {
  if (req.postOnly && req.kind !== 'limit') return invalid('oflags');
  if (req.tif === 'IOC' && req.kind !== 'limit') return invalid('timeinforce');
  return { ok: req };
}

/** ordermin → tick → costmin, as the engine checks them before funds. */
export function checkPairRules(req: OrderRequest, refPrice: number): string | undefined {
  const { pair } = req;
  if (req.volume < pair.orderMin - 1e-12) return 'EOrder:Order minimum not met';
  if (req.price !== undefined && !onGrid(req.price, pair.tickSize)) return 'EOrder:Tick size check failed';
  if (req.volume * (req.price ?? refPrice) < pair.costMin) return 'EOrder:Cost minimum not met';
  return undefined;
}

/** "buy 1.25000000 XBTUSD @ limit 37500.0" */
export function describeOrder(req: OrderRequest): string {
  const { pair } = req;
  const head = `${req.side} ${req.volume.toFixed(pair.lotDecimals)} ${pair.altname} @ `;
  if (req.kind === 'market') return `${head}market`;
  const kindText = req.kind === 'limit' ? 'limit' : req.kind;
  return `${head}${kindText} ${req.price!.toFixed(pair.pairDecimals)}`;
}
