/**
 * `brain demo`: the whole daemon offline in paper mode against the simulator replaying the bundled real
 * candles (or the operator's own folder) as fast as the daemon digests them, printing one line per intent, rejection, fill, closed
 * trade, breaker change and UTC day, then a summary. Everything lives in a throwaway folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SupervisorEmitted } from '../../machines/supervisor.machine.ts';
import type { Pair } from '../contract/index.ts';
import { demoTelegramSettings, startDemoTelegram } from './demo-telegram.ts';
import { DEFAULT_SIM_DATA_DIR } from '../sim/index.ts';
import { openInspector } from '../inspect/index.ts';
import { startReplay } from './replay.ts';
import { prepareDemoNight } from './demo-night.ts';

export interface DemoSummary {
  days: number;
  steps: number;
  trades: number;
  wins: number;
  netPnl: number;
  fees: number;
  /** What the fill prices lost to the slippage model (config trading.slippageFraction), in USD. */
  slippage: number;
  startEquity: number;
  endEquity: number;
  maxDrawdown: number;
  signalsActed: number;
  signalsRejected: number;
  seconds: number;
}

/** The breaker resumes by itself after a cool-down in the demo, so a losing streak pauses the replay instead of ending it. */
const DEMO_SETTINGS = { risk: { resume: 'auto', autoResumeAfterMinutes: 360 } };

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const usd = (n: number) => `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(2)}`;

/** One line per event worth a newcomer's attention; null for the rest. */
export function demoLine(e: SupervisorEmitted): string | null {
  switch (e.type) {
    case 'intent.accepted':
      return `${iso(e.at)}  INTENT   ${e.intent.pair.padEnd(9)} ${e.intent.decision.action.padEnd(5)} qty ${e.quantity.toPrecision(6)} ref ${e.intent.refPrice}  ${e.intent.decision.reason}`;
    case 'intent.rejected':
      return `${iso(e.at)}  REJECT   ${e.intent.pair.padEnd(9)} ${e.intent.decision.action.padEnd(5)} ${e.reason}`;
    case 'order.filled':
      return `${iso(e.fill.time)}  FILL     ${e.fill.pair.padEnd(9)} ${e.fill.side.padEnd(5)} ${e.fill.quantity.toPrecision(6)} @ ${e.fill.price} fee ${usd(e.fill.fee)}`;
    case 'position.closed':
      return `${iso(e.at)}  CLOSED   ${e.pair.padEnd(9)} pnl ${usd(e.pnl)} (fees ${usd(e.fees)}, ${e.exitReason})`;
    case 'breaker.tripped':
      return `${iso(e.at)}  BREAKER  halted: ${e.reason}${e.resumeAt ? ` until ${iso(e.resumeAt)}` : ' until a manual resume'}`;
    case 'breaker.reduced':
      return `${iso(e.at)}  BREAKER  reducing: ${e.reason}`;
    case 'breaker.resumed':
      return `${iso(e.at)}  BREAKER  active again (${e.by})`;
    case 'portfolio.daily':
      return `${iso(e.day.day).slice(0, 10)}        DAY      equity ${usd(e.day.openEquity)} → ${usd(e.day.closeEquity)}`;
    default:
      return null;
  }
}

export function formatSummary(s: DemoSummary): string {
  const ret = s.startEquity > 0 ? ((s.endEquity / s.startEquity - 1) * 100).toFixed(2) : '0';
  return [
    '',
    `── summary: ${s.days.toFixed(1)} days of 5m candles (${s.steps} steps) in ${s.seconds.toFixed(0)} s ──`,
    `trades            ${s.trades} (${s.wins} won)`,
    `realised P&L      ${usd(s.netPnl)} on closed trades, after entry and exit fees`,
    `equity            ${usd(s.startEquity)} → ${usd(s.endEquity)} (${ret} %, open positions marked at the last close)`,
    `fees paid         ${usd(s.fees)}`,
    `slippage cost     ${usd(s.slippage)} (in the fill prices, as the backtest charges it)`,
    `max drawdown      ${(s.maxDrawdown * 100).toFixed(2)} %`,
    `signals           ${s.signalsActed} acted, ${s.signalsRejected} rejected`,
    '',
  ].join('\n');
}

export interface DemoOptions {
  repoRoot: string;
  log: Logger;
  print: (line: string) => void;
  /** The candle folder to replay (default data/sample): `<BASE>-USD_<tf>.csv` files, as for `brain backtest --data`. */
  dataDir?: string;
  days?: number;
  pairs?: Pair[];
  /** After the replay, the daemon's nightly cycle runs a scripted night against the loopback Messages API (demo-night.ts). */
  withOrchestrator?: boolean;
  /** `--inspect [PORT]`: serve the inspector on 127.0.0.1 during the replay (null/absent: none). */
  inspect?: number | null;
}

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'brain-demo-'));
  let maxDrawdown = 0;
  let trades = 0;
  let wins = 0;
  const night = o.withOrchestrator ? await prepareDemoNight({ dataDir: o.dataDir ?? DEFAULT_SIM_DATA_DIR, ...(o.pairs ? { pairs: o.pairs } : {}) }) : null;
  const telegram = await startDemoTelegram();
  // The demo has no secrets to scrub (paper mode, no keys); its clock is the replay's, read when a message is stamped.
  let now = () => 0;
  const inspector =
    o.inspect === undefined || o.inspect === null ? null : await openInspector({ port: o.inspect, secrets: [], now: () => now(), log: o.log, print: o.print });
  try {
    const bot = demoTelegramSettings(telegram.api);
    // The night's secrets join the bot's (a shallow merge would drop the bot token).
    const settings = { ...DEMO_SETTINGS, ...bot, ...(night ? { ...night.settings, secrets: { ...bot.secrets, ...night.settings.secrets } } : {}) };
    const replay = await startReplay({
      ...(inspector ? { inspector } : {}),
      workDir,
      repoRoot: o.repoRoot,
      log: o.log,
      settings,
      ...(o.days === undefined ? {} : { days: o.days }),
      ...(o.pairs ? { pairs: o.pairs } : {}),
      ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
      ...(night ? { orchestrator: { candles: night.candles } } : {}),
      onEvent: (e) => {
        if (e.type === 'position.closed') {
          trades += 1;
          if (e.pnl > 0) wins += 1;
        }
        const line = demoLine(e);
        if (line) o.print(line);
      },
      onStep: () => {
        const l = replay.daemon.actor.getSnapshot().context.ledger;
        maxDrawdown = Math.max(maxDrawdown, l.peakEquity > 0 ? (l.peakEquity - l.lastEquity) / l.peakEquity : 0);
      },
    });
    telegram.attach(replay, workDir, o.log);
    now = () => replay.sim.clock.now();
    o.print(
      `replaying ${replay.config.pairs.join(', ')} from ${iso(replay.from)} to ${iso(replay.to)}${o.dataDir === undefined ? '' : ` (candles from ${o.dataDir})`} in paper mode (v001, default risk limits, breaker with a 6 h auto-resume)`,
    );
    const steps = await replay.run();
    if (night) await night.run(replay.daemon, o.print);
    const ledger = replay.daemon.actor.getSnapshot().context.ledger;
    const repos = replay.daemon.runtime.repos!;
    const signals = (outcome: 'acted' | 'rejected') => repos.signals.signalsInRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, { outcome }).length;
    const summary: DemoSummary = {
      days: (replay.to - replay.from) / 86_400_000,
      steps,
      trades,
      wins,
      netPnl: ledger.realizedPnl,
      fees: ledger.feesPaid,
      slippage: ledger.slippagePaid,
      startEquity: ledger.initialCash,
      endEquity: ledger.lastEquity,
      maxDrawdown,
      signalsActed: signals('acted'),
      signalsRejected: signals('rejected'),
      seconds: (performance.now() - started) / 1000,
    };
    for (const line of await telegram.finish()) o.print(line);
    await replay.close();
    return summary;
  } finally {
    await night?.close();
    await telegram.api.close();
    await inspector?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}
