/**
 * The static gates' verdict kept by content, so `brain backtest` on an unchanged strategy file does not
 * load the TypeScript compiler and esbuild again (~1.5–2 s of a run). The key hashes everything the
 * verdict depends on: the module's kind, path and source, every file of the API declaration
 * (src/contract), the skills a bundle may pull in (strategy/skills), the gate code itself
 * (src/sandbox/gates) and the versions of typescript, esbuild and zod (the contract's types come from
 * zod). A change to any of them is another key, so a stale verdict is never found; a refusal is kept
 * as a refusal. An entry is used only when it names the same key and, for a pass, its bundle still
 * hashes to the recorded bundleSha256; anything else (missing, unreadable, altered) is a miss and the
 * gates run. Lives beside the database (the operator's data folder): the same trust as the versions
 * table, which holds bundles too.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { folderDigest, packageVersion, readEntry, writeEntry } from '../../content-cache.ts';
import { sha256 } from '../../hash.ts';
import type { GateOutcome } from './pipeline.ts';
import { API_DIR, defaultVirtualPath, SKILLS_DIR, type GateInput } from './types.ts';

/** The folder of this file: the gate code whose verdicts are cached. */
const GATE_CODE_DIR = fileURLToPath(new URL('.', import.meta.url));
/** The packages whose behaviour decides a verdict. */
const TOOLS = ['typescript', 'esbuild', 'zod'] as const;

export interface GateCacheSetup {
  /** Folder of the entries (one JSON file per key). */
  readonly dir: string;
  /** The checkout whose contract and skills the gates read. */
  readonly repoRoot: string;
  /** The gate code hashed into the key (default: this folder). */
  readonly gateCodeDir?: string;
  /** Tool versions hashed into the key (default: the installed typescript, esbuild and zod). */
  readonly toolVersions?: Readonly<Record<string, string>>;
}

function installedVersions(): Record<string, string> {
  return Object.fromEntries(TOOLS.map((name) => [name, packageVersion(name, import.meta.url)]));
}

/**
 * The content key of one gate verdict (see the file header for what goes in). Read synchronously: a
 * few dozen small files, and `brain backtest` parses its CSV folder a file per event-loop turn
 * meanwhile, so each awaited read here would wait for a whole file's parse.
 */
export function gateCacheKey(setup: GateCacheSetup, input: GateInput): string {
  const parts = [
    folderDigest(join(setup.repoRoot, API_DIR), 'contract'),
    folderDigest(join(setup.repoRoot, SKILLS_DIR), 'skills'),
    folderDigest(setup.gateCodeDir ?? GATE_CODE_DIR, 'gates'),
  ];
  const tools = setup.toolVersions ?? installedVersions();
  const versions = Object.keys(tools)
    .sort()
    .map((k) => `${k}@${tools[k]}`);
  return sha256(JSON.stringify([input.kind, defaultVirtualPath(input), sha256(input.source), ...parts, ...versions]));
}

const IssueSchema = z.object({ gate: z.string(), rule: z.string(), line: z.number(), column: z.number(), message: z.string() });
const StageSchema = z.object({ gate: z.string(), ok: z.boolean(), ms: z.number() });
const EntrySchema = z.object({
  key: z.string(),
  outcome: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), sourceSha256: z.string(), bundle: z.string(), bundleSha256: z.string(), stages: z.array(StageSchema) }),
    z.object({ ok: z.literal(false), sourceSha256: z.string(), issues: z.array(IssueSchema), stages: z.array(StageSchema) }),
  ]),
});

/** The entry's verdict if it is for this key and source and, for a pass, its bundle is the one it names. */
function lookup(dir: string, key: string, source: string): GateOutcome | null {
  const hit = readEntry(dir, key, EntrySchema);
  if (!hit) return null;
  const outcome = hit.entry.outcome as GateOutcome;
  if (outcome.sourceSha256 !== sha256(source)) return null;
  if (outcome.ok && sha256(outcome.bundle) !== outcome.bundleSha256) return null;
  return outcome;
}

/**
 * The gates' verdict on `input`: from the cache when an entry for its key is there and intact, else
 * `run()` (the gates) and the verdict stored. Without a cache setup, always `run()`.
 */
export async function cachedGateRun(setup: GateCacheSetup | undefined, input: GateInput, run: () => Promise<GateOutcome>): Promise<GateOutcome> {
  if (!setup) return run();
  const key = gateCacheKey(setup, input);
  const hit = lookup(setup.dir, key, input.source);
  if (hit) return hit;
  const outcome = await run();
  writeEntry(setup.dir, key, JSON.stringify({ key, outcome }));
  return outcome;
}
