import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { noChangeNight, tweakNight } from '../../src/orchestrator/fake-api/scripted-night.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/orchestrator/fake-api/server.ts';
import { fakeIo } from './fake-io.ts';

// One database for the file: seeding runs the canary for three modules once; the nights build on each other.
const dir = mkdtempSync(join(tmpdir(), 'brain-orchestrate-cli-'));
const db = join(dir, 'brain.db');
const KEY = 'sk-ant-cli-test-0123456789';
let fake: FakeAnthropic;
beforeAll(async () => (fake = await startFakeAnthropic({ apiKey: KEY, clock: systemClock })));
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function brain(args: string[], env: Record<string, string> = { ANTHROPIC_API_KEY: KEY }) {
  const io = fakeIo({}, env);
  const code = await main([...args, '--db', db, '--set', `orchestrator.client.baseUrl=${fake.baseURL}`, '--set', 'orchestrator.client.maxRetries=0'], io);
  return { code, out: io.out(), err: io.err() };
}

describe('brain orchestrate, thoughts, observations', () => {
  it('--dry-run prints the three layers, the analysis prompt and a token estimate, and sends nothing', async () => {
    const r = await brain(['orchestrate', '--dry-run']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('# Who is reading this');
    expect(r.out).toContain("# The fund's mandate");
    expect(r.out).toContain('(cache breakpoint, 1 h)');
    expect(r.out).toContain('<section kind="truth_benchmarks"');
    expect(r.out).toMatch(/estimated input tokens: \d+ static prefix \+ \d+ context = \d+; output up to 16000; nothing was sent/);
    expect(fake.requests).toEqual([]);
  }, 120_000);

  it('--now runs a night through the cycle machine; thoughts and observations show it', async () => {
    fake.enqueue(...noChangeNight());
    const r = await brain(['orchestrate', '--now']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/night night-\S+ \(now, model\): no_change/);
    const id = /night (night-\S+) /.exec(r.out)![1]!;
    expect((await brain(['thoughts'])).out).toContain(`night ${id} (now, model): no_change`);
    const t = await brain(['thoughts', id]);
    expect(t.out).toMatch(/── analysis attempt 1 · claude-sonnet-5-5 .* \$0\.\d{4}/);
    expect(t.out).toContain('"decision": "no_change"');
    expect((await brain(['thoughts', id, '--step', 'analysis', '--raw'])).out).toContain('"usage":');
    expect((await brain(['observations'])).out).toMatch(/\[night\]\n {2}A quiet day/);
  }, 120_000);

  it('a tweak night submits to the real pipeline: on a store without candles it is refused by the evaluation, saying what is missing, and the ledger has it', async () => {
    fake.enqueue(...tweakNight());
    const r = await brain(['orchestrate', '--now']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(
      /: refused\nreason {2}the pipeline refused the candidate at gates\/evaluation: .*no 5m candles .* in the store; import some with 'brain data import'.* \(ledger #1\)/,
    );
    expect((await brain(['ledger'])).out).toMatch(/gates +refused +evaluation .* model claude-opus-5-5/);
  }, 120_000);

  it('usage errors name the flags and unknown nights give a hint', async () => {
    expect((await brain(['orchestrate'])).code).toBe(EXIT.usage);
    const unknown = await brain(['thoughts', 'night-nope']);
    expect(unknown.code).toBe(EXIT.failure);
    expect(unknown.err).toContain('no night night-nope; list the nights with `brain thoughts`');
  });
});
