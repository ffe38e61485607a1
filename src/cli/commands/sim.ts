/** `brain sim`: runs the loopback Kraken simulator on its own (REST v0 + WS v2), replaying candles at a chosen speed. */
import { parseArgs } from 'node:util';
import { PairSchema, type Pair } from '../../contract/pairs.ts';
import { createLogger } from '../../log/index.ts';
import { DEFAULT_SIM_DATA_DIR, SIM_TEST_ACCOUNT, startKrakenSim, type FaultInjector, type KrakenSim, type SystemStatus } from '../../sim/index.ts';
import { EXIT, UsageError, type Command } from '../command.ts';

const STATUSES: SystemStatus[] = ['online', 'maintenance', 'cancel_only', 'post_only'];
const OPTIONS = {
  data: { type: 'string' }, pairs: { type: 'string' }, speed: { type: 'string' }, port: { type: 'string' },
  seed: { type: 'string' }, start: { type: 'string' }, status: { type: 'string' }, 'log-level': { type: 'string' },
  'fail-http': { type: 'string', multiple: true }, 'fail-api': { type: 'string', multiple: true },
  'lose-response': { type: 'string', multiple: true }, 'drop-ws-every': { type: 'string' },
} as const;

function number(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got "${text}"`);
  return n;
}

function pairs(text: string | undefined): Pair[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((p) => {
    const parsed = PairSchema.safeParse(p.trim());
    if (!parsed.success) throw new UsageError(`--pairs: unknown pair "${p}"; use v2 symbols like BTC/USD`);
    return parsed.data;
  });
}

/** `<what>[:<method>[:<times>]]`, e.g. `502:AddOrder:3` or `EService:Busy` (an error keeps its own colon). */
function faultSpec(spec: string, errorHasColon: boolean): { what: string; method?: string; times?: number } {
  const parts = spec.split(':');
  const what = errorHasColon ? parts.splice(0, 2).join(':') : parts.shift()!;
  const [method, times] = parts;
  return { what, ...(method ? { method } : {}), ...(times ? { times: number('fault times', times, 1) } : {}) };
}

function applyFaults(faults: FaultInjector, v: ReturnType<typeof parse>['values']): void {
  const many = 1_000_000_000; // a flag's fault lasts for the whole run unless a count is given
  for (const s of v['fail-http'] ?? []) {
    const f = faultSpec(s, false);
    faults.failHttp(number('fail-http', f.what, 502), { method: f.method, times: f.times ?? many, html: true });
  }
  for (const s of v['fail-api'] ?? []) {
    const f = faultSpec(s, true);
    faults.failApi(f.what, { method: f.method, times: f.times ?? many });
  }
  for (const s of v['lose-response'] ?? []) {
    const [method, times] = s.split(':');
    faults.loseResponse({ method, times: times ? number('lose-response', times, 1) : many });
  }
  if (v.status !== undefined) {
    if (!STATUSES.includes(v.status as SystemStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${v.status}"`);
    faults.setSystemStatus(v.status as SystemStatus);
  }
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
  summary: 'Run the loopback Kraken simulator (REST v0 + WebSocket v2) replaying real candles',
  usage: `usage: brain sim [--data DIR] [--pairs A/USD,B/USD] [--speed N] [--port P] [flags]
  --data DIR               candle CSVs (BTC-USD_5m.csv …; default ${DEFAULT_SIM_DATA_DIR})
  --pairs A/USD,B/USD      pairs to replay (default: every pair with a CSV)
  --speed N                replay speed × real time (default 60; 0 = frozen clock)
  --port P                 port on 127.0.0.1 (default 0 = any free port)
  --seed N                 seed for trade paths, books and ids (default 1)
  --start ISO-TIME         replay start (default: the first candle)
  --status S               system status: online, maintenance, cancel_only, post_only
  --fail-http S[:M[:N]]    answer HTTP status S (HTML page) to method M (any), N times (always)
  --fail-api E[:M[:N]]     answer Kraken error E (e.g. EService:Busy) to method M, N times
  --lose-response M[:N]    run method M (e.g. AddOrder) but never answer, N times
  --drop-ws-every SEC      drop every WS connection each SEC real seconds
  --log-level LEVEL        info (default), debug, warn …`,
  async run(args, io) {
    const { values: v } = parse(args);
    const log = createLogger({ level: (v['log-level'] ?? 'info') as 'info', destination: io.stdout }).child({ component: 'sim' });
    const start = v.start === undefined ? undefined : Date.parse(v.start);
    if (start !== undefined && Number.isNaN(start)) throw new UsageError(`--start must be an ISO time like 2024-09-05T00:00:00Z, got "${v.start}"`);
    const kraken: KrakenSim = await startKrakenSim({
      dataDir: v.data, pairs: pairs(v.pairs), speed: number('speed', v.speed, 60), port: number('port', v.port, 0),
      seed: number('seed', v.seed, 1), startTime: start, logger: log,
    });
    applyFaults(kraken.faults, v);
    log.info({ restUrl: kraken.restUrl, wsPublicUrl: kraken.wsPublicUrl, wsPrivateUrl: kraken.wsPrivateUrl, testAccount: SIM_TEST_ACCOUNT.key }, 'simulator ready; the test account secret is SIM_TEST_ACCOUNT.secret (Kraken published example)');
    const dropEvery = number('drop-ws-every', v['drop-ws-every'], 0);
    const timers = [setInterval(() => log.info({ replayTime: new Date(kraken.clock.now()).toISOString() }, 'replay progress'), 10_000)];
    if (dropEvery > 0) timers.push(setInterval(() => log.warn({ dropped: kraken.faults.dropWs('all') }, 'fault: dropped WS connections'), dropEvery * 1000));
    const signal = await io.waitForShutdown();
    timers.forEach(clearInterval);
    await kraken.close();
    log.info({ signal }, 'simulator stopped');
    return EXIT.ok;
  },
};
