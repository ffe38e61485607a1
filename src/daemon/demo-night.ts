/**
 * `npm run demo -- --with-orchestrator`: after the replay, the daemon's own nightly cycle child runs a
 * scripted night against the loopback Messages API (src/orchestrator/fake-api), on the demo's trades:
 * gathering → analysis → a tweak → review → submission, while the daemon keeps running. Until the
 * evolution pipeline is wired, the demo submits to a stand-in that does its first steps for real: the
 * static gates and the determinism canary, the immutable version store (author: the model and the
 * prompt hash), and a scheduled paper_tests row. Backtest gates and running the paper test are the
 * pipeline's (src/evolution), not shown here.
 */
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { Db } from '../db/index.ts';
import { orchestratorCyclesRepo } from '../db/orchestrator-cycles.repo.ts';
import { paperTestsRepo } from '../db/paper-tests.repo.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../orchestrator/fake-api/server.ts';
import { tweakNight } from '../orchestrator/fake-api/scripted-night.ts';
import type { SubmitCandidate } from '../orchestrator/pipeline-port.ts';
import { formatIssue } from '../sandbox/gates/index.ts';
import { openVersionStore } from '../versions/seed.ts';
import type { Daemon } from './daemon.ts';

const DEMO_KEY = 'sk-ant-demo-loopback-only';
const PAPER_TEST_DAYS = 7;

/** The stand-in pipeline: gates + canary + version store + a scheduled paper test row. */
export function demoSubmitter(db: Db, clock: Clock, repoRoot: string, filesRoot: string): SubmitCandidate {
  const store = openVersionStore({ db, clock, repoRoot, filesRoot });
  return async (s) => {
    const contentHash = createHash('sha256').update(s.source, 'utf8').digest('hex');
    const author = s.origin.kind === 'model' ? { kind: 'model' as const, model: s.origin.model, promptSha256: s.origin.promptHash } : { kind: 'human' as const };
    const r = await store.submit({ kind: s.kind, name: s.name, source: s.source, author, parentId: s.parentVersionId });
    if (!r.ok) return { status: 'refused', contentHash, stage: 'static', failedGate: r.issues[0]?.gate ?? 'static', reason: r.issues.slice(0, 5).map(formatIssue).join('\n'), ledgerId: 0 };
    const now = clock.now();
    const paperTestId = `pt-${r.version.id.slice(7, 19)}`;
    paperTestsRepo(db).insert({ id: paperTestId, versionId: r.version.id, baselineVersionId: s.parentVersionId, status: 'scheduled', startedAt: null, deadline: now + PAPER_TEST_DAYS * 86_400_000, endedAt: null, result: null, reason: null, createdAt: now, updatedAt: now });
    return { status: 'paperTest', contentHash, versionId: r.version.id, paperTestId, ledgerId: 0 };
  };
}

export interface DemoNight {
  /** Config on top of the demo's: the fake's key and endpoint. */
  settings: Record<string, unknown>;
  evolution: (deps: { db: Db; clock: Clock }) => { submitCandidate: SubmitCandidate };
  /** Asks the running daemon for a night now and prints it until it ends. */
  run(daemon: Daemon, print: (line: string) => void): Promise<void>;
  close(): Promise<void>;
}

export async function prepareDemoNight(o: { repoRoot: string; filesRoot: string }): Promise<DemoNight> {
  const fake: FakeAnthropic = await startFakeAnthropic({ apiKey: DEMO_KEY, clock: systemClock });
  fake.enqueue(...tweakNight());
  return {
    settings: { secrets: { anthropicApiKey: DEMO_KEY }, orchestrator: { client: { baseUrl: fake.baseURL, maxRetries: 0 } } },
    evolution: ({ db, clock }) => ({ submitCandidate: demoSubmitter(db, clock, o.repoRoot, o.filesRoot) }),
    async run(daemon, print) {
      const finished = new Promise<string>((resolve) => daemon.actor.on('orchestrator.cycleFinished', (e) => resolve(e.cycleId)));
      daemon.actor.on('orchestrator.cycleStarted', (e) => print(`NIGHT    ${e.cycleId} started (${e.mode}) against the loopback Messages API; the daemon keeps running`));
      daemon.actor.send({ type: 'orchestrator.runNow', by: 'demo', at: daemon.actor.getSnapshot().context.now });
      const cycleId = await finished;
      const repo = orchestratorCyclesRepo(daemon.runtime.db!);
      for (const a of repo.answers(cycleId)) {
        print(`NIGHT    ${a.step.padEnd(10)} ${a.model.padEnd(18)} in ${a.inputTokens} + ${a.cacheReadTokens} cached + ${a.cacheWriteTokens} written, out ${a.outputTokens}: $${a.costUsd.toFixed(4)}`);
      }
      const c = repo.get(cycleId)!;
      print(`NIGHT    ${cycleId} ended ${c.outcome}: ${c.reason ?? ''}`);
      print('NIGHT    on an installed daemon the same night is read back with `brain thoughts` (the demo\'s throwaway database is removed at the end)');
    },
    close: () => fake.close(),
  };
}
