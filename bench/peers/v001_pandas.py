"""
A Freqtrade-style peer for `npm run bench -- backtest`: v001 (strategy/active/strategy.ts) ported to
pandas. Indicators and entry/exit signals are vectorised over whole columns, as a Freqtrade
strategy's populate_* methods are; the trade loop runs bar by bar in Python, as Freqtrade's
backtesting does. Same rules as the project's engine: a decision at a candle's close fills at the
next open; stop-loss / take-profit come from the decision close and are checked inside every candle
held (the entry candle included), stop first, a gap through a level fills at the open; a queued
close fills at the next open before the levels are checked; what is open at the end closes at the
last close. No fees or slippage (grademark, the other peer, has neither). Stake: a fixed 10 % of
the starting balance per trade, each pair on its own.

usage: python3 v001_pandas.py DIR [RUNS]   (DIR holds <BASE>-USD_5m.csv; prints one JSON line)
"""
import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd

EMA_FAST, EMA_SLOW, RSI_PERIOD, RSI_MAX = 9, 21, 14, 70.0
VOLUME_PERIOD, VOLUME_RATIO = 20, 1.2
STOP_LOSS, TAKE_PROFIT, STAKE = 0.02, 0.04, 1_000.0


def seeded(values: pd.Series, period: int, alpha: float, seed_from: int) -> pd.Series:
    """TA-Lib convention: the first value is the mean of `period` inputs, then exponential smoothing."""
    out = pd.Series(np.nan, index=values.index)
    first = seed_from + period - 1
    if len(values) <= first:
        return out
    tail = values.iloc[first:].copy()
    tail.iloc[0] = values.iloc[seed_from:first + 1].mean()
    out.iloc[first:] = tail.ewm(alpha=alpha, adjust=False).mean().to_numpy()
    return out


def indicators(df: pd.DataFrame) -> pd.DataFrame:
    close = df["close"]
    fast = seeded(close, EMA_FAST, 2 / (EMA_FAST + 1), 0)
    slow = seeded(close, EMA_SLOW, 2 / (EMA_SLOW + 1), 0)
    change = close.diff()
    gain = seeded(change.clip(lower=0), RSI_PERIOD, 1 / RSI_PERIOD, 1)
    loss = seeded((-change).clip(lower=0), RSI_PERIOD, 1 / RSI_PERIOD, 1)
    total = gain + loss
    rsi = (100 * gain / total).where(total != 0, 50.0)
    mean_volume = df["volume"].rolling(VOLUME_PERIOD).mean().shift(1)
    ratio = (df["volume"] / mean_volume).where(mean_volume != 0)
    diff = fast - slow
    prev = diff.shift(1)
    ready = diff.notna() & rsi.notna()
    df["enter"] = ready & (prev <= 0) & (diff > 0) & (rsi < RSI_MAX) & (ratio > VOLUME_RATIO)
    df["exit"] = ready & (prev >= 0) & (diff < 0)
    return df


def trade_loop(df: pd.DataFrame) -> tuple[int, float]:
    o, h, l, c = (df[k].to_numpy().tolist() for k in ("open", "high", "low", "close"))
    enter, leave = df["enter"].to_numpy().tolist(), df["exit"].to_numpy().tolist()
    trades, pnl = 0, 0.0
    qty = 0.0
    entry = sl = tp = 0.0
    pending = 0  # 1 = buy queued, -1 = close queued
    pending_sl = pending_tp = pending_qty = 0.0
    for i in range(len(c)):
        if pending == 1:
            qty, entry, sl, tp = pending_qty, o[i], pending_sl, pending_tp
        elif pending == -1 and qty > 0:
            pnl += qty * (o[i] - entry)
            trades += 1
            qty = 0.0
        pending = 0
        if qty > 0:
            if l[i] <= sl:
                pnl += qty * ((o[i] if o[i] <= sl else sl) - entry)
                trades += 1
                qty = 0.0
            elif h[i] >= tp:
                pnl += qty * ((o[i] if o[i] >= tp else tp) - entry)
                trades += 1
                qty = 0.0
        if qty == 0 and enter[i]:
            pending, pending_qty = 1, STAKE / c[i]
            pending_sl, pending_tp = c[i] * (1 - STOP_LOSS), c[i] * (1 + TAKE_PROFIT)
        elif qty > 0 and leave[i]:
            pending = -1
    if qty > 0:
        pnl += qty * (c[-1] - entry)
        trades += 1
    return trades, pnl


def backtest(frames: dict[str, pd.DataFrame]) -> tuple[int, float]:
    trades, pnl = 0, 0.0
    for df in frames.values():
        t, p = trade_loop(indicators(df.copy()))
        trades += t
        pnl += p
    return trades, pnl


def main() -> None:
    folder = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    t0 = time.perf_counter()
    frames = {
        name: pd.read_csv(os.path.join(folder, name), dtype="float64")
        for name in sorted(os.listdir(folder)) if name.endswith("_5m.csv")
    }
    read = time.perf_counter() - t0
    times = []
    trades = pnl = None
    for _ in range(runs):
        t = time.perf_counter()
        trades, pnl = backtest(frames)
        times.append(time.perf_counter() - t)
    bars = sum(len(df) for df in frames.values())
    print(json.dumps({"pandas": pd.__version__, "pairs": len(frames), "bars": bars, "read_s": read, "runs_s": times, "trades": trades, "pnl": round(pnl, 2) if pnl is not None and math.isfinite(pnl) else None}))


if __name__ == "__main__":
    main()
