/**
 * Live-scan state inside the child: per pair the strategy's own state, its registered indicators
 * (advanced with each candle before onBar) and a growing history buffer, so each closed candle costs
 * one onBar call. History is compacted to `historyCap` bars when full.
 */
import { PairIndicators } from '../../backtest/indicators.ts';
import type { BarContext, PositionView, StrategyModule } from '../../contract/strategy.ts';
import type { BarsItem, PairSetup } from '../protocol.ts';
import { SandboxError } from '../errors.ts';

interface Track {
  setup: PairSetup;
  state: unknown;
  indicators: PairIndicators;
  cols: Float64Array[]; // t,o,h,l,c,v
  len: number;
}

const N_COLS = 6;

export class ScanState {
  private readonly tracks = new Map<string, Track>();

  constructor(
    private readonly mod: StrategyModule,
    pairs: readonly PairSetup[],
    private readonly cap: number,
  ) {
    for (const setup of pairs) {
      const params = Object.freeze({ ...setup.params });
      const frozen = Object.freeze({ ...setup, params, fees: Object.freeze({ ...setup.fees }), rules: Object.freeze({ ...setup.rules }) });
      const indicators = new PairIndicators(setup.pair);
      const state = mod.init(setup.pair, params, indicators.registry);
      this.tracks.set(setup.pair, { setup: frozen, state, indicators: indicators.close(), cols: alloc(cap * 2), len: 0 });
    }
  }

  /** Feeds every item's bars through onBar; returns the last decision of items that asked for one. */
  feed(items: readonly BarsItem[], payload: Float64Array): Array<{ pair: string; decision?: unknown; error?: string }> {
    const out: Array<{ pair: string; decision?: unknown; error?: string }> = [];
    let off = 0;
    for (const item of items) {
      const track = this.tracks.get(item.pair);
      if (!track) throw new SandboxError('bad_frame', `bars for ${item.pair}, a pair init did not name; send init with every pair first`, false);
      let last: unknown;
      for (let i = 0; i < item.n; i++) {
        this.append(track, payload, off, item.n, i);
        last = this.step(track, item);
      }
      off += item.n * N_COLS;
      if (item.decide) out.push({ pair: item.pair, decision: last });
    }
    return out;
  }

  private append(track: Track, payload: Float64Array, off: number, n: number, i: number): void {
    if (track.len === track.cols[0]!.length) this.compact(track);
    for (let c = 0; c < N_COLS; c++) track.cols[c]![track.len] = payload[off + c * n + i]!;
    track.len += 1;
  }

  private compact(track: Track): void {
    const keep = Math.min(this.cap, track.len);
    for (const col of track.cols) col.copyWithin(0, track.len - keep, track.len);
    track.len = keep;
  }

  private step(track: Track, item: BarsItem): unknown {
    const len = track.len;
    const [t, o, h, l, c, v] = track.cols.map((col) => col.subarray(0, len)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const k = len - 1;
    const bar = Object.freeze({ time: t[k]!, open: o[k]!, high: h[k]!, low: l[k]!, close: c[k]!, volume: v[k]! });
    track.indicators.feed(bar);
    const ctx: BarContext = Object.freeze({
      pair: track.setup.pair,
      index: k,
      history: Object.freeze({ time: t, open: o, high: h, low: l, close: c, volume: v }),
      position: visiblePosition(item.position, bar.time),
      params: track.setup.params,
      fees: track.setup.fees,
      rules: track.setup.rules,
      equity: item.equity,
    });
    return this.mod.onBar(track.state, bar, ctx);
  }
}

function alloc(n: number): Float64Array[] {
  return Array.from({ length: N_COLS }, () => new Float64Array(n));
}

function visiblePosition(p: PositionView | null, time: number): PositionView | null {
  return p !== null && time >= p.entryTime ? Object.freeze({ ...p }) : null;
}
