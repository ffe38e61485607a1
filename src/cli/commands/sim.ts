/** `brain sim`: runs the loopback Kraken simulator on its own (REST v0 + WS v2), replaying candles at a chosen speed. */
import { parseArgs } from 'node:util';
import { PairSchema } from '../../contract/pair-schemas.ts';
import type { Pair } from '../../contract/pairs.ts';
import { createLogger } from '../../log/index.ts';
import { applyFaultPlan } from '../../sim/fault-plan.ts';
import { DEFAULT_SIM_DATA_DIR, SIM_TEST_ACCOUNT, startKrakenSim, type KrakenSim } from '../../sim/index.ts';
import { EXIT, UsageError, type Command } from '../command.ts';
import { FAULT_OPTIONS, FAULT_USAGE, faultPlanOf, nonNegative } from '../fault-flags.ts';

const OPTIONS = {
  data: { type: 'string' },
  pairs: { type: 'string' },
  speed: { type: 'string' },
  port: { type: 'string' },
  seed: { type: 'string' },
  start: { type: 'string' },
  'log-level': { type: 'string' },
  ...FAULT_OPTIONS,
} as const;

function pairs(text: string | undefined): Pair[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((p) => {
    const parsed = PairSchema.safeParse(p.trim());
    if (!parsed.success) throw new UsageError(`--pairs: unknown pair "${p}"; use v2 symbols like BTC/USD`);
    return parsed.data;
  });
}

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError((err as Error).message.split('. ')[0]!, { cause: err });
  }
}

export const sim: Command = {
  name: 'sim',
  usage: `usage: brain sim [--data DIR] [--pairs A/USD,B/USD] [--speed N] [--port P] [flags]
  --data DIR               candle CSVs (BTC-USD_5m.csv …; default ${DEFAULT_SIM_DATA_DIR})
  --pairs A/USD,B/USD      pairs to replay (default: every pair with a CSV)
  --speed N                replay speed × real time (default 60; 0 = frozen clock)
  --port P                 port on 127.0.0.1 (default 0 = any free port)
  --seed N                 seed for trade paths, books and ids (default 1)
  --start ISO-TIME         replay start (default: the first candle)
${FAULT_USAGE}
  --log-level LEVEL        info (default), debug, warn …`,
  async run(args, io) {
    const { values: v } = parse(args);
    const plan = faultPlanOf(v);
    const log = createLogger({ level: (v['log-level'] ?? 'info') as 'info', destination: io.stdout }).child({ component: 'sim' });
    const start = v.start === undefined ? undefined : Date.parse(v.start);
    if (start !== undefined && Number.isNaN(start)) throw new UsageError(`--start must be an ISO time like 2024-09-05T00:00:00Z, got "${v.start}"`);
    const kraken: KrakenSim = await startKrakenSim({
      dataDir: v.data,
      pairs: pairs(v.pairs),
      speed: nonNegative('speed', v.speed, 60),
      port: nonNegative('port', v.port, 0),
      seed: nonNegative('seed', v.seed, 1),
      startTime: start,
      logger: log,
    });
    const stopFaults = applyFaultPlan(kraken, plan, log);
    log.info(
      { restUrl: kraken.restUrl, wsPublicUrl: kraken.wsPublicUrl, wsPrivateUrl: kraken.wsPrivateUrl, testAccount: SIM_TEST_ACCOUNT.key },
      'simulator ready; the test account secret is SIM_TEST_ACCOUNT.secret (Kraken published example)',
    );
    const progress = setInterval(() => log.info({ replayTime: new Date(kraken.clock.now()).toISOString() }, 'replay progress'), 10_000);
    const signal = await io.waitForShutdown();
    clearInterval(progress);
    stopFaults();
    await kraken.close();
    log.info({ signal }, 'simulator stopped');
    return EXIT.ok;
  },
};
