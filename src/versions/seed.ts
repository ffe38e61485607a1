/**
 * Building the version store the way the daemon and the CLI both use it, and seeding a fresh database:
 * the first time a slot has no version, the files in strategy/active and statistics/active go through
 * the gates and the canary as human-authored v001 and are deployed. One function, so the daemon and
 * `brain strategy` can never seed differently.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Clock } from '../clock/clock.ts';
import type { Db } from '../db/connection.ts';
import type { VersionRecord } from '../db/versions.repo.ts';
import { CANARY_PAIRS, runCanary } from '../sandbox/canary.ts';
import { VersionStoreError } from './errors.ts';
import { formatIssue, Gates, type ModuleKind } from '../sandbox/gates/index.ts';
import { ACTIVE_STRATEGY_FILE } from '../sandbox/gates/types.ts';
import type { PairSetup } from '../sandbox/protocol.ts';
import { slotOf, VersionStore } from './store.ts';

/** The canary's pairs with the modules' own parameter defaults, Kraken's base fees and loose rules. */
const CANARY_SETUPS: PairSetup[] = CANARY_PAIRS.map((pair) => ({
  pair,
  params: {},
  fees: { maker: 0.0025, taker: 0.004 },
  rules: { pair, tickSize: 0.01, priceDecimals: 2, lotDecimals: 8, orderMin: 0.0001, costMin: 0.5 },
}));

/** `repoRoot` resolves modules' imports (contract, skills); `filesRoot` receives archive and active files. */
export function openVersionStore(deps: { db: Db; clock: Clock; repoRoot: string; filesRoot: string; gates?: Gates }): VersionStore {
  return new VersionStore({
    db: deps.db,
    clock: deps.clock,
    gates: deps.gates ?? new Gates(deps.repoRoot),
    filesRoot: deps.filesRoot,
    canary: (kind: ModuleKind, bundle: string) => runCanary(kind, bundle, CANARY_SETUPS),
  });
}

/** The module files a fresh store starts from: the strategy, then every statistics module by name. */
export function initialModules(repoRoot: string): Array<{ kind: ModuleKind; name: string; path: string }> {
  const statsDir = join(repoRoot, 'statistics/active');
  const stats = readdirSync(statsDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => ({ kind: 'statistics' as const, name: basename(f, '.ts'), path: join(statsDir, f) }));
  return [{ kind: 'strategy', name: 'strategy', path: join(repoRoot, ACTIVE_STRATEGY_FILE) }, ...stats];
}

/** Seeds every slot that has no version yet; returns the versions it stored and deployed (none when all exist). */
export async function seedInitialVersions(store: VersionStore, repoRoot: string): Promise<VersionRecord[]> {
  const seeded: VersionRecord[] = [];
  const existing = store.repo.list();
  for (const m of initialModules(repoRoot)) {
    if (store.repo.active(slotOf(m)) || existing.some((v) => v.kind === m.kind && v.name === m.name)) continue;
    const r = await store.submit({ kind: m.kind, name: m.name, source: readFileSync(m.path, 'utf8'), author: { kind: 'human' }, label: 'v001' });
    if (!r.ok) throw new VersionStoreError('gates_failed', `${m.path} cannot be seeded as v001:\n${r.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    await store.deploy(r.version.id);
    seeded.push(store.get(r.version.id));
  }
  return seeded;
}
