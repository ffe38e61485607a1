import { describe, expect, it } from 'vitest';
import type { PortfolioView } from '../../src/contract/index.ts';
import { createRepositories, type DailySnapshot } from '../../src/db/index.ts';
import { position, T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

const DAY = 86_400_000;

function view(time: number, equity: number, peakEquity: number): PortfolioView {
  return {
    time,
    cash: equity - 1_000,
    equity,
    peakEquity,
    drawdown: (peakEquity - equity) / peakEquity,
    realizedPnl: 12.5,
    unrealizedPnl: -3.25,
    feesPaid: 4.1,
    openPositions: [position()],
  };
}

function daily(day: number, peakEquity: number): DailySnapshot {
  return { day, openEquity: 10_000, closeEquity: 10_050, peakEquity, realizedPnl: 50, fees: 2, trades: 3, updatedAt: day + 1 };
}

describe('snapshots repository', () => {
  it('round-trips portfolio snapshots with their open positions, latest first on request', () => {
    const repo = createRepositories(memoryDb()).snapshots;
    expect(repo.latestPortfolio()).toBeUndefined();
    repo.insertPortfolio(view(T0, 10_000, 10_000));
    repo.insertPortfolio(view(T0 + 60_000, 9_900, 10_000));
    expect(repo.latestPortfolio()).toEqual(view(T0 + 60_000, 9_900, 10_000));
    expect(repo.portfolioInRange(T0, T0 + 60_000)).toEqual([view(T0, 10_000, 10_000)]);
  });

  it('persists the peak equity across portfolio and daily rows', () => {
    const repo = createRepositories(memoryDb()).snapshots;
    expect(repo.peakEquity()).toBeNull();
    repo.insertPortfolio(view(T0, 10_000, 10_200));
    expect(repo.peakEquity()).toBe(10_200);
    repo.saveDaily(daily(T0, 10_500));
    expect(repo.peakEquity()).toBe(10_500);
  });

  it('keeps one daily row per UTC day, replaced on save', () => {
    const repo = createRepositories(memoryDb()).snapshots;
    repo.saveDaily(daily(T0, 10_100));
    repo.saveDaily({ ...daily(T0, 10_300), closeEquity: 10_250 });
    repo.saveDaily(daily(T0 + DAY, 10_300));
    expect(repo.daily(T0)).toEqual({ ...daily(T0, 10_300), closeEquity: 10_250 });
    expect(repo.dailyInRange(T0, T0 + 2 * DAY).map((d) => d.day)).toEqual([T0, T0 + DAY]);
    expect(repo.daily(T0 - DAY)).toBeUndefined();
  });
});
