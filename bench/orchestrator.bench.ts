/**
 * `npm run bench -- orchestrator`: tokens and USD of a scripted night against the loopback Messages API,
 * with prompt caching on and off, at the prices in config (orchestrator.prices). Two nights: the plain
 * tweak (analysis → generation → review → submission) and one whose first candidate fails the static
 * gates and is repaired (two generations, two reviews). The token counts are the fake's (4 bytes per
 * token) on the real prompts of a freshly seeded database; the answers are the scripted ones. The candidate
 * goes through the real pipeline, judged on two bundled pairs with the demo's windows (its outcome is shown).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../src/clock/clock.ts';
import { ConfigSchema, type Config } from '../src/config/index.ts';
import { createRepositories, openDatabase } from '../src/db/index.ts';
import { DEMO_EVOLUTION } from '../src/daemon/demo-night.ts';
import { APPROVING_REVIEW, TWEAK_ANALYSIS, TWEAK_GENERATION } from '../src/orchestrator/fake-api/scripted-night.ts';
import { reply, type FakeReply } from '../src/orchestrator/fake-api/script.ts';
import { startFakeAnthropic } from '../src/orchestrator/fake-api/server.ts';
import { evolutionPorts } from '../src/orchestrator/ports.ts';
import { DEFAULT_SIM_DATA_DIR } from '../src/sim/index.ts';
import { runNightNow } from '../src/orchestrator/use-cases.ts';
import { nightDeps } from '../src/orchestrator/wiring.ts';
import { PROJECT_ROOT } from '../src/paths.ts';
import { openVersionStore, seedInitialVersions } from '../src/versions/seed.ts';

const KEY = 'sk-ant-bench-loopback';
const ANCHOR = 'const p = ctx.params;';
const NIGHTS: Array<[string, () => FakeReply[]]> = [
  [
    'tweak night',
    () => [
      reply.json(TWEAK_ANALYSIS, { thinkingTokens: 1_800 }),
      reply.json(TWEAK_GENERATION, { thinkingTokens: 1_200 }),
      reply.json(APPROVING_REVIEW, { thinkingTokens: 600 }),
    ],
  ],
  [
    'night with a repair',
    () => [
      reply.json(TWEAK_ANALYSIS, { thinkingTokens: 1_800 }),
      reply.json(
        { ...TWEAK_GENERATION, edits: [{ search: ANCHOR, replace: `${ANCHOR}\n    if (Math.random() < 0.01) return HOLD;` }] },
        { thinkingTokens: 1_200 },
      ),
      reply.json(APPROVING_REVIEW, { thinkingTokens: 600 }),
      reply.json(TWEAK_GENERATION, { thinkingTokens: 1_000 }),
      reply.json(APPROVING_REVIEW, { thinkingTokens: 600 }),
    ],
  ],
];

interface Row {
  night: string;
  caching: boolean;
  calls: number;
  input: number;
  read: number;
  written: number;
  output: number;
  usd: number;
  outcome: string;
}

async function scriptedNight(name: string, replies: FakeReply[], caching: boolean): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-orchestrator-bench-'));
  const fake = await startFakeAnthropic({ apiKey: KEY, clock: systemClock });
  const dbPath = join(dir, 'brain.db');
  const db = openDatabase({ path: dbPath });
  try {
    await seedInitialVersions(openVersionStore({ db, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: dir }), PROJECT_ROOT);
    const config: Config = ConfigSchema.parse({
      secrets: { anthropicApiKey: KEY },
      orchestrator: { client: { baseUrl: fake.baseURL, maxRetries: 0, promptCaching: caching } },
      evolution: DEMO_EVOLUTION,
    });
    fake.enqueue(...replies);
    const log = pino({ level: 'silent' });
    const ports = evolutionPorts({
      db,
      dbPath,
      config,
      clock: systemClock,
      repoRoot: PROJECT_ROOT,
      filesRoot: dir,
      log,
      candles: { dir: DEFAULT_SIM_DATA_DIR, pairs: ['BTC/USD', 'ETH/USD'] },
    });
    const deps = nightDeps({ db, dbPath, config, clock: systemClock, log, repoRoot: PROJECT_ROOT, ports });
    const night = await runNightNow({ deps, snapshots: createRepositories(db).machineSnapshots, config, clock: systemClock, by: 'bench' });
    const answers = deps.cycles.answers(night.cycle.id);
    const sum = (f: (a: (typeof answers)[number]) => number) => answers.reduce((s, a) => s + f(a), 0);
    return {
      night: name,
      caching,
      calls: answers.length,
      input: sum((a) => a.inputTokens),
      read: sum((a) => a.cacheReadTokens),
      written: sum((a) => a.cacheWriteTokens),
      output: sum((a) => a.outputTokens),
      usd: night.costUsd,
      outcome: night.cycle.outcome ?? 'running',
    };
  } finally {
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (): Promise<void> {
  const prices = ConfigSchema.parse({}).orchestrator;
  console.log(`models: analysis ${prices.models.analysis}, generation ${prices.models.generation}, review ${prices.models.review}`);
  for (const p of prices.prices)
    console.log(`  ${p.model}: $${p.input} in, $${p.output} out, $${p.cacheWrite1h} 1 h cache write, $${p.cacheRead} cache read per MTok`);
  const rows: Row[] = [];
  for (const [name, replies] of NIGHTS) for (const caching of [true, false]) rows.push(await scriptedNight(name, replies(), caching));
  const head = ['night', 'caching', 'calls', 'input', 'cache read', 'cache write', 'output', 'USD', 'outcome'];
  const cells = rows.map((r) =>
    [r.night, r.caching ? 'on' : 'off', r.calls, r.input, r.read, r.written, r.output, `$${r.usd.toFixed(4)}`, r.outcome].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [head, ...cells]) console.log(line.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}
