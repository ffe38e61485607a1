/**
 * `npm run demo -- --with-orchestrator`: after the replay, the daemon's own nightly cycle child runs a
 * scripted night against the loopback Messages API (src/orchestrator/fake-api) on the demo's trades:
 * gathering → analysis → a tweak → review → submission to the real pipeline (src/orchestrator/ports.ts:
 * static gates and the determinism canary, the screen and the full gates against v001 on the bundled
 * candles, the holdout, a paper test), while the daemon keeps running. The demo's candles are a few
 * weeks, so the windows and the thresholds are the demo's own (DEMO_EVOLUTION, printed); everything
 * else is the daemon's code path.
 */
import { existsSync } from 'node:fs';
import { systemClock } from '../clock/clock.ts';
import { PAIRS, type Pair } from '../contract/index.ts';
import { orchestratorCyclesRepo } from '../db/orchestrator-cycles.repo.ts';
import type { GateResult } from '../evolution/policy.ts';
import type { CandleSource } from '../evolution/setup.ts';
import { csvPathFor } from '../market/dataset.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../orchestrator/fake-api/server.ts';
import { tweakNight } from '../orchestrator/fake-api/scripted-night.ts';
import type { Daemon } from './daemon.ts';

const DEMO_KEY = 'sk-ant-demo-loopback-only';

/**
 * The demo judges on its bundled weeks instead of months: 2-day holdout and screen, and thresholds a
 * one-parameter tweak can meet on so little data (a real daemon keeps config/settings.toml's).
 */
export const DEMO_EVOLUTION = {
  policy: { holdoutDays: 2, minTrades: 1, minDsr: 0, minEdge: -0.01, jitterMinShare: 0, bootstrapRuns: 200 },
  screen: { days: 2, minTrades: 0, maxLoss: 1 },
};

export interface DemoNight {
  /** Config on top of the demo's: the fake's key and endpoint, the demo's evolution windows. */
  settings: { secrets: Record<string, string>; orchestrator: Record<string, unknown>; evolution: typeof DEMO_EVOLUTION };
  /** The candles the night's candidate is judged on: the demo's own files. */
  candles: CandleSource;
  /** Asks the running daemon for a night now and prints it until it ends and its paper test started. */
  run(daemon: Daemon, print: (line: string) => void): Promise<void>;
  close(): Promise<void>;
}

const gateLine = (g: GateResult) =>
  `${g.passed ? 'pass' : 'FAIL'} ${g.gate}${g.value === null ? '' : ` ${g.value.toPrecision(3)}`}${g.threshold === null ? '' : ` vs ${g.threshold.toPrecision(3)}`}`;

export async function prepareDemoNight(o: { dataDir: string; pairs?: readonly Pair[] }): Promise<DemoNight> {
  const fake: FakeAnthropic = await startFakeAnthropic({ apiKey: DEMO_KEY, clock: systemClock });
  fake.enqueue(...tweakNight());
  const pairs = (o.pairs ?? PAIRS).filter((p) => existsSync(csvPathFor(o.dataDir, p, '5m')));
  return {
    settings: { secrets: { anthropicApiKey: DEMO_KEY }, orchestrator: { client: { baseUrl: fake.baseURL, maxRetries: 0 } }, evolution: DEMO_EVOLUTION },
    candles: { dir: o.dataDir, pairs },
    async run(daemon, print) {
      const finished = new Promise<string>((resolve) => daemon.actor.on('orchestrator.cycleFinished', (e) => resolve(e.cycleId)));
      const started = new Promise<{ paperTestId: string; versionId: string }>((resolve) => daemon.actor.on('paperTest.started', resolve));
      daemon.actor.on('orchestrator.cycleStarted', (e) =>
        print(`NIGHT    ${e.cycleId} started (${e.mode}) against the loopback Messages API; the daemon keeps running`),
      );
      daemon.actor.send({ type: 'orchestrator.runNow', by: 'demo', at: daemon.actor.getSnapshot().context.now });
      const cycleId = await finished;
      const repo = orchestratorCyclesRepo(daemon.runtime.db!);
      for (const a of repo.answers(cycleId)) {
        print(
          `NIGHT    ${a.step.padEnd(10)} ${a.model.padEnd(18)} in ${a.inputTokens} + ${a.cacheReadTokens} cached + ${a.cacheWriteTokens} written, out ${a.outputTokens}: $${a.costUsd.toFixed(4)}`,
        );
      }
      const c = repo.get(cycleId)!;
      const ledgerId = (c.submission as { ledgerId?: number } | null)?.ledgerId;
      const row = ledgerId === undefined ? undefined : daemon.runtime.repos!.ledger.byId(ledgerId);
      if (row) {
        print(
          `GATES    on ${pairs.join(', ')} (demo windows: ${DEMO_EVOLUTION.policy.holdoutDays}-day holdout, ${DEMO_EVOLUTION.screen.days}-day screen), against the incumbent: ${row.diffSummary}`,
        );
        print(`GATES    ${(row.gates as GateResult[]).map(gateLine).join(' · ')}`);
      }
      print(`NIGHT    ${cycleId} ended ${c.outcome}: ${c.reason ?? ''}`);
      if (c.outcome === 'submitted' && row?.stage === 'paper') {
        const test = await started;
        print(`PAPER    ${test.paperTestId} of ${test.versionId} started beside the incumbent on the live candles; a pass deploys it by a hot swap`);
      }
      print(
        "NIGHT    on an installed daemon the same night is read back with `brain thoughts` and `brain ledger` (the demo's throwaway database is removed at the end)",
      );
    },
    close: () => fake.close(),
  };
}
