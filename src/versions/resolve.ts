/**
 * Which strategy a backtest runs: a file through the static gates, or a version from the store by id
 * or label; without one, the active version, else the active file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BrainError } from '../contract/errors.ts';
import type { Db } from '../db/index.ts';
import { versionsRepo } from '../db/versions.repo.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { cachedGateRun } from '../sandbox/gates/cache.ts';
import { formatIssue, Gates, oneSourcePlacement } from '../sandbox/gates/index.ts';
import { ACTIVE_STRATEGY_FILE } from '../sandbox/gates/types.ts';

export const DEFAULT_STRATEGY_FILE = ACTIVE_STRATEGY_FILE;

export interface ResolvedStrategy {
  versionId: string;
  bundle: string;
  source: string;
  /** True for a version from the store; false for a file (its id is its bundle hash, stored nowhere). */
  stored: boolean;
}

/**
 * A file goes through the static gates (its id is its bundle hash; their verdict cached by content in
 * `gateCacheDir` when given, see gates/cache.ts); otherwise an id or label from
 * strategy_versions; without a spec the active version, else the active file.
 */
export async function resolveStrategy(spec: string | undefined, db: Db, cwd: string, gateCacheDir?: string): Promise<ResolvedStrategy> {
  const versions = versionsRepo(db);
  if (spec === undefined) {
    const active = versions.active('strategy');
    const version = active && versions.get(active.versionId);
    if (version) return { versionId: version.id, bundle: version.bundle, source: version.source, stored: true };
  }
  const path = spec === undefined ? join(PROJECT_ROOT, DEFAULT_STRATEGY_FILE) : resolve(cwd, spec);
  if (existsSync(path)) {
    // Checked as if it sat in the active slot, exactly as a candidate is; an unchanged file's verdict comes from the cache.
    const input = { kind: 'strategy' as const, source: await readFile(path, 'utf8') };
    const cache = gateCacheDir === undefined ? undefined : { dir: gateCacheDir, repoRoot: PROJECT_ROOT };
    const outcome = await cachedGateRun(cache, input, async () => {
      const gates = new Gates(PROJECT_ROOT, oneSourcePlacement(PROJECT_ROOT));
      try {
        return await gates.run(input);
      } finally {
        void gates.close();
      }
    });
    const { source } = input;
    if (!outcome.ok) throw new EvaluateError('gates_failed', `${path} fails the static gates:\n${outcome.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    return { versionId: `sha256:${outcome.bundleSha256.slice(0, 16)}`, bundle: outcome.bundle, source, stored: false };
  }
  const version = versions.get(spec!) ?? versions.byLabel('strategy', spec!);
  if (!version)
    throw new EvaluateError('unknown_strategy', `--strategy "${spec}" is neither a file nor a strategy version id or label (see brain strategy list)`);
  return { versionId: version.id, bundle: version.bundle, source: version.source, stored: true };
}

export class EvaluateError extends BrainError<'gates_failed' | 'unknown_strategy'> {
  override readonly name = 'EvaluateError';
  constructor(code: 'gates_failed' | 'unknown_strategy', message: string) {
    super(message, { domain: 'versions', code, retryable: false });
  }
}
