/**
 * What the strategy said: every scan (scan_results) and every non-hold intent with its outcome
 * (signals: acted → an order, rejected → the risk rule or breaker state that refused it).
 */
import { IntentSchema, type Intent, type IntentAction, type Pair, type Regime, type Timeframe } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, toJson, toJsonOrNull, validated, withoutNulls } from './rows.ts';

export type SignalOutcome = 'acted' | 'rejected';

export interface SignalRecord {
  id: number;
  intent: Intent;
  outcome: SignalOutcome;
  /** Required when rejected: which rule refused it. */
  rejectReason: string | null;
  clOrdId: string | null;
  createdAt: number;
}
export type NewSignal = Omit<SignalRecord, 'id'>;

export interface ScanResult {
  pair: Pair;
  timeframe: Timeframe;
  candleTime: number;
  strategyVersion: string;
  action: IntentAction;
  regime: Regime | null;
  indicators: Record<string, number>;
  durationMs: number | null;
  createdAt: number;
}
export interface ScanRecord extends ScanResult {
  id: number;
}

export interface SignalsRepo {
  insertSignal(signal: NewSignal): number;
  /** Signals created in [from, to), optionally for one pair and/or outcome, oldest first. */
  signalsInRange(from: number, to: number, filter?: { pair?: Pair; outcome?: SignalOutcome }): SignalRecord[];
  insertScan(scan: ScanResult): number;
  /** Scans of one pair whose candle time is in [from, to), oldest first. */
  scansInRange(pair: Pair, from: number, to: number): ScanRecord[];
  /** Retention: removes scans created before `time`; returns how many. */
  deleteScansBefore(time: number): number;
}

type SignalRow = {
  id: number;
  pair: string;
  candle_time: number;
  ref_price: number;
  strategy_version: string;
  action: string;
  size_fraction: number;
  stop_loss: number | null;
  take_profit: number | null;
  slippage_tolerance: number | null;
  reason: string;
  regime: string | null;
  indicators: string | null;
  outcome: SignalOutcome;
  reject_reason: string | null;
  cl_ord_id: string | null;
  created_at: number;
};

function signalToRow(s: NewSignal): Omit<SignalRow, 'id'> {
  const d = s.intent.decision;
  return {
    pair: s.intent.pair,
    candle_time: s.intent.candleTime,
    ref_price: s.intent.refPrice,
    strategy_version: s.intent.strategyVersion,
    action: d.action,
    size_fraction: d.sizeFraction,
    stop_loss: d.stopLoss ?? null,
    take_profit: d.takeProfit ?? null,
    slippage_tolerance: d.slippageTolerance ?? null,
    reason: d.reason,
    regime: d.regime ?? null,
    indicators: toJsonOrNull(d.indicators),
    outcome: s.outcome,
    reject_reason: s.rejectReason,
    cl_ord_id: s.clOrdId,
    created_at: s.createdAt,
  };
}

function signalFromRow(r: SignalRow): SignalRecord {
  const decision = withoutNulls({
    action: r.action,
    sizeFraction: r.size_fraction,
    stopLoss: r.stop_loss,
    takeProfit: r.take_profit,
    slippageTolerance: r.slippage_tolerance,
    reason: r.reason,
    regime: r.regime,
    indicators: fromJson<Record<string, number>>(r.indicators, `signals row ${r.id} indicators`),
  });
  const intent = { pair: r.pair, candleTime: r.candle_time, refPrice: r.ref_price, strategyVersion: r.strategy_version, decision };
  return {
    id: r.id,
    intent: validated(IntentSchema, intent, `signals row ${r.id}`),
    outcome: r.outcome,
    rejectReason: r.reject_reason,
    clOrdId: r.cl_ord_id,
    createdAt: r.created_at,
  };
}

type ScanRow = {
  id: number;
  pair: Pair;
  timeframe: Timeframe;
  candle_time: number;
  strategy_version: string;
  action: IntentAction;
  regime: Regime | null;
  indicators: string;
  duration_ms: number | null;
  created_at: number;
};

function scanToRow(s: ScanResult): Omit<ScanRow, 'id'> {
  return {
    pair: s.pair,
    timeframe: s.timeframe,
    candle_time: s.candleTime,
    strategy_version: s.strategyVersion,
    action: s.action,
    regime: s.regime,
    indicators: toJson(s.indicators),
    duration_ms: s.durationMs,
    created_at: s.createdAt,
  };
}

function scanFromRow(r: ScanRow): ScanRecord {
  return {
    id: r.id,
    pair: r.pair,
    timeframe: r.timeframe,
    candleTime: r.candle_time,
    strategyVersion: r.strategy_version,
    action: r.action,
    regime: r.regime,
    indicators: fromJson<Record<string, number>>(r.indicators, `scan_results row ${r.id}`) ?? {},
    durationMs: r.duration_ms,
    createdAt: r.created_at,
  };
}

export function signalsRepo(db: Db): SignalsRepo {
  const insertSignal = db.prepare(
    `INSERT INTO signals (pair, candle_time, ref_price, strategy_version, action, size_fraction, stop_loss,
       take_profit, slippage_tolerance, reason, regime, indicators, outcome, reject_reason, cl_ord_id, created_at)
     VALUES (:pair, :candle_time, :ref_price, :strategy_version, :action, :size_fraction, :stop_loss,
       :take_profit, :slippage_tolerance, :reason, :regime, :indicators, :outcome, :reject_reason, :cl_ord_id, :created_at)`,
  );
  const selectSignals = db.prepare(
    `SELECT * FROM signals WHERE created_at >= :from AND created_at < :to
       AND (:pair IS NULL OR pair = :pair) AND (:outcome IS NULL OR outcome = :outcome) ORDER BY created_at, id`,
  );
  const insertScan = db.prepare(
    `INSERT INTO scan_results (pair, timeframe, candle_time, strategy_version, action, regime, indicators, duration_ms, created_at)
     VALUES (:pair, :timeframe, :candle_time, :strategy_version, :action, :regime, :indicators, :duration_ms, :created_at)`,
  );
  const selectScans = db.prepare('SELECT * FROM scan_results WHERE pair = ? AND candle_time >= ? AND candle_time < ? ORDER BY candle_time, id');
  const deleteScans = db.prepare('DELETE FROM scan_results WHERE created_at < ?');

  return {
    insertSignal: (s) => insertSignal.run(signalToRow(s)).lastInsertRowid,
    signalsInRange: (from, to, filter = {}) =>
      selectSignals.all<SignalRow>({ from, to, pair: filter.pair ?? null, outcome: filter.outcome ?? null }).map(signalFromRow),
    insertScan: (s) => insertScan.run(scanToRow(s)).lastInsertRowid,
    scansInRange: (pair, from, to) => selectScans.all<ScanRow>([pair, from, to]).map(scanFromRow),
    deleteScansBefore: (time) => deleteScans.run([time]).changes,
  };
}
