/** Shared fixtures for the orchestrator tests: a migrated database, config settings and a client on the fake API. */
import pino from 'pino';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { ConfigSchema, type Config } from '../../src/config/index.ts';
import { createRepositories, openDatabase, type Db } from '../../src/db/index.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/orchestrator/fake-api/server.ts';
import { LlmClient } from '../../src/orchestrator/llm/client.ts';

export const API_KEY = 'sk-ant-test-0123456789abcdef';
export const T0 = Date.UTC(2026, 2, 4, 3, 0, 0);
export const silent = pino({ level: 'silent' });

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** The built-in orchestrator settings with overrides (baseUrl is set per test to the fake). */
export function orchestratorSettings(over: DeepPartial<Config['orchestrator']> = {}): Config['orchestrator'] {
  return ConfigSchema.parse({ orchestrator: over }).orchestrator;
}

export interface ClientFixture {
  fake: FakeAnthropic;
  clock: ReturnType<typeof simulatedClock>;
  db: Db;
  repos: ReturnType<typeof createRepositories>;
  client: LlmClient;
  close(): Promise<void>;
}

export async function clientFixture(over: DeepPartial<Config['orchestrator']> = {}, secrets: string[] = [], minCacheable = 1024): Promise<ClientFixture> {
  const clock = simulatedClock(T0);
  const fake = await startFakeAnthropic({ apiKey: API_KEY, clock, minCacheableTokens: () => minCacheable });
  const db = openDatabase({ path: ':memory:' });
  const repos = createRepositories(db);
  const settings = orchestratorSettings({ ...over, client: { maxRetries: 0, ...over.client, baseUrl: fake.baseURL } });
  const client = new LlmClient({ apiKey: API_KEY, settings, usage: repos.orchestrator, clock, secrets, log: silent });
  return {
    fake,
    clock,
    db,
    repos,
    client,
    close: async () => {
      await fake.close();
      db.close();
    },
  };
}
