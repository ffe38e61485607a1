/**
 * The pieces shared by the caches that keep a verdict by what produced it (the static gates' verdicts,
 * the evaluator canaries' reports): content digests for the key (a changed file anywhere under a hashed
 * folder is another key), and entries stored one JSON file per key, read back only when intact.
 */
import { type Dirent, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from './files.ts';
import { sha256 } from './hash.ts';

/** Every file under `dir` as `label/path\0sha256` lines, sorted (a missing folder hashes as empty). */
export function folderDigest(dir: string, label: string): string {
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    // A missing folder: nothing of it in the key, as nothing of it can be in the verdict.
  }
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return files.map((f) => `${label}/${relative(dir, f)}\0${sha256(readFileSync(f))}`).join('\n');
}

/**
 * The version of package `name` installed where `from` (a file's path or URL) resolves it, read from
 * disk each time (require's cache would keep the version a process started with); throws when absent.
 */
export function packageVersion(name: string, from: string): string {
  const manifest = createRequire(from).resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * The entry `dir/<key>.json` when it is there, is JSON, fits `schema` and names `key`: its parsed
 * form (`entry`) and the JSON as written (`raw`, key order kept). Anything else is a miss (null).
 */
export function readEntry<T extends { key: string }>(dir: string, key: string, schema: z.ZodType<T>): { entry: T; raw: unknown } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8'));
  } catch {
    return null;
  }
  const entry = schema.safeParse(raw);
  return entry.success && entry.data.key === key ? { entry: entry.data, raw } : null;
}

/** Stores `text` (an entry naming `key`) as `dir/<key>.json`. */
export function writeEntry(dir: string, key: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  // A reader never sees half an entry (and would treat one as a miss anyway).
  writeFileAtomic(join(dir, `${key}.json`), text);
}
