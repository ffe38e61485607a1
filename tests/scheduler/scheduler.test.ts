import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { buildSchedule, ScheduleError, scanPattern, scheduleFromConfig, type ScheduleEvent } from '../../src/scheduler/jobs.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { ConfigSchema } from '../../src/config/index.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

function run(startIso: string, jobs = buildSchedule({ timeframe: '5m', orchestratorPattern: '0 3 * * *' })) {
  const clock = simulatedClock(at(startIso));
  const events: ScheduleEvent[] = [];
  const scheduler = new Scheduler({ clock, jobs, emit: (e) => events.push(e) });
  scheduler.start();
  /** Moves time in steps no longer than `step`, as a running daemon would experience it. */
  const advance = (ms: number, step = 1000) => {
    for (let left = ms; left > 0; left -= step) clock.increment(Math.min(step, left));
  };
  return { clock, events, scheduler, advance };
}

describe('scheduler', () => {
  it('scans five seconds after every 5m candle close and names the candle that closed', () => {
    const { events, advance } = run('2024-09-04T10:00:00Z');
    advance(15 * MIN);
    const scans = events.filter((e) => e.type === 'schedule.scan');
    expect(scans.map((e) => new Date(e.due).toISOString())).toEqual(['2024-09-04T10:00:05.000Z', '2024-09-04T10:05:05.000Z', '2024-09-04T10:10:05.000Z']);
    expect(scans.map((e) => e.type === 'schedule.scan' && new Date(e.candleTime).toISOString())).toEqual([
      '2024-09-04T09:55:00.000Z',
      '2024-09-04T10:00:00.000Z',
      '2024-09-04T10:05:00.000Z',
    ]);
    expect(scans.every((e) => e.time === e.due)).toBe(true);
  });

  it('writes the daily snapshot at 00:00 UTC for the day that just ended, then refreshes fees and maintains candles', () => {
    const { events, advance } = run('2024-09-04T23:58:00Z');
    advance(40 * MIN);
    const daily = events.filter((e) => e.type !== 'schedule.scan');
    expect(daily.map((e) => [e.type, new Date(e.due).toISOString()])).toEqual([
      ['schedule.dailySnapshot', '2024-09-05T00:00:00.000Z'],
      ['schedule.feeRefresh', '2024-09-05T00:10:00.000Z'],
      ['schedule.candleMaintenance', '2024-09-05T00:30:00.000Z'],
    ]);
    const snapshot = daily[0]!;
    expect(snapshot.type === 'schedule.dailySnapshot' && snapshot.day).toBe(at('2024-09-04T00:00:00Z'));
  });

  it('emits the nightly orchestrator slot at its UTC cron time and nothing else for it', () => {
    const { events, advance } = run('2024-09-05T02:00:00Z');
    advance(26 * 60 * MIN, 60_000);
    const slots = events.filter((e) => e.type === 'schedule.orchestrator').map((e) => new Date(e.due).toISOString());
    expect(slots).toEqual(['2024-09-05T03:00:00.000Z', '2024-09-06T03:00:00.000Z']);
  });

  it('has no orchestrator slot when the orchestrator is disabled in config', () => {
    const base = ConfigSchema.parse({});
    const jobs = scheduleFromConfig({ ...base, orchestrator: { ...base.orchestrator, enabled: false } });
    expect(jobs.map((j) => j.name)).not.toContain('schedule.orchestrator');
    expect(scheduleFromConfig(base).map((j) => j.name)).toContain('schedule.orchestrator');
  });

  it('collapses slots missed during a clock jump into one late event and re-arms after now', () => {
    const { events, clock } = run('2024-09-04T10:00:30Z');
    clock.increment(60 * MIN);
    const scans = events.filter((e) => e.type === 'schedule.scan');
    expect(scans).toHaveLength(1);
    expect(scans[0]!.due).toBe(at('2024-09-04T10:05:05Z'));
    expect(scans[0]!.time).toBe(at('2024-09-04T11:00:30Z'));
    clock.increment(5 * MIN);
    expect(events.filter((e) => e.type === 'schedule.scan').at(-1)!.due).toBe(at('2024-09-04T11:05:05Z'));
  });

  it('keeps the timetable running when a listener throws', () => {
    const clock = simulatedClock(at('2024-09-04T10:00:00Z'));
    let calls = 0;
    const scheduler = new Scheduler({
      clock,
      jobs: buildSchedule({ timeframe: '5m' }),
      emit: () => {
        calls += 1;
        throw new Error('listener failed');
      },
    });
    scheduler.start();
    for (let i = 0; i < 11; i++) clock.increment(MIN);
    expect(calls).toBe(3);
  });

  it('fires nothing after stop and reports no upcoming slots', () => {
    const { events, scheduler, advance } = run('2024-09-04T10:00:00Z');
    expect(scheduler.upcoming().every((u) => u.due !== null)).toBe(true);
    scheduler.stop();
    advance(30 * MIN, MIN);
    expect(events).toEqual([]);
    expect(scheduler.upcoming().every((u) => u.due === null)).toBe(true);
  });

  it('re-arms far slots in steps so a monthly job still fires on time', () => {
    const jobs = buildSchedule({ timeframe: '1d', orchestratorPattern: '0 4 1 * *' });
    const { events, advance } = run('2024-09-02T00:00:00Z', jobs);
    advance(31 * 24 * 60 * MIN, 60 * MIN);
    const slots = events.filter((e) => e.type === 'schedule.orchestrator').map((e) => new Date(e.due).toISOString());
    expect(slots).toEqual(['2024-10-01T04:00:00.000Z']);
  });
});

describe('scan patterns', () => {
  it('aligns every timeframe to UTC boundaries the way Kraken candles are', () => {
    expect(scanPattern('1m', 5)).toBe('5 * * * * *');
    expect(scanPattern('15m', 5)).toBe('5 */15 * * * *');
    expect(scanPattern('1h', 3)).toBe('3 0 * * * *');
    expect(scanPattern('4h', 5)).toBe('5 0 */4 * * *');
    expect(scanPattern('1d', 5)).toBe('5 0 0 * * *');
  });

  it('scans 4h candles at 00, 04, 08 … UTC', () => {
    const { events, advance } = run('2024-09-04T01:00:00Z', buildSchedule({ timeframe: '4h' }));
    advance(8 * 60 * MIN, MIN);
    const scans = events.filter((e) => e.type === 'schedule.scan');
    expect(scans.map((e) => e.type === 'schedule.scan' && new Date(e.candleTime).toISOString())).toEqual([
      '2024-09-04T00:00:00.000Z',
      '2024-09-04T04:00:00.000Z',
    ]);
  });

  it('rejects a scan delay that would spill into the next minute, naming the value', () => {
    expect(() => scanPattern('5m', 60)).toThrow(/0\.\.59, got 60/);
  });

  it('rejects an invalid cron pattern with a typed error naming the job', () => {
    expect(() => buildSchedule({ timeframe: '5m', orchestratorPattern: 'every night' })).toThrow(ScheduleError);
    expect(() => buildSchedule({ timeframe: '5m', orchestratorPattern: 'every night' })).toThrow(/schedule\.orchestrator pattern "every night"/);
  });
});
