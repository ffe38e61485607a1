/**
 * Config failures: every problem is collected and reported at once, one line per bad key, naming
 * the key, the value, where it came from and what is allowed. Secret values are never echoed.
 */
import type { z } from 'zod';
import { closest, expectedOf, keyName, schemaAt, shapeOf, valueAt, type KeyPath } from './keys.ts';
import { BrainError } from '../contract/errors.ts';

export class ConfigError extends BrainError<'invalid_config'> {
  override readonly name = 'ConfigError';
  /** One human line per bad key. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      domain: 'config',
      code: 'invalid_config',
      retryable: false,
      cause: options?.cause,
    });
    this.problems = problems;
  }
}

/** Where each key's value came from: 'config/settings.toml', 'env BRAIN_MODE', 'flag --mode' … */
export type Sources = ReadonlyMap<string, string>;

export function sourceOf(sources: Sources, key: string): string {
  for (let k = key; k !== ''; k = k.replace(/(\.[^.[\]]+|\[\d+\]|^[^.[\]]+)$/, '')) {
    const hit = sources.get(k);
    if (hit) return hit;
  }
  for (const [k, label] of sources) if (k.startsWith(`${key}.`)) return label;
  return 'default';
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a table',
};

/** A URL with a password in it (a refused redis://:pw@host) is echoed with the password hidden. */
function withoutPassword(text: string): string {
  try {
    const u = new URL(text);
    if (!u.password) return text;
    u.password = 'hidden';
    return u.toString();
  } catch {
    return text;
  }
}

function show(path: KeyPath, value: unknown): string {
  if (path[0] === 'secrets') return '[hidden]';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(withoutPassword(value));
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function bound(issue: { origin?: string; inclusive?: boolean }, limit: unknown, big: boolean): string {
  if (issue.origin === 'array')
    return big ? `must have at most ${limit} items` : Number(limit) === 1 ? 'must not be empty' : `must have at least ${limit} items`;
  if (issue.origin === 'string') return big ? `must be at most ${limit} characters` : 'must not be empty';
  const op = big ? (issue.inclusive ? '≤' : '<') : issue.inclusive ? '≥' : '>';
  return `must be ${op} ${limit}`;
}

function wording(issue: z.core.$ZodIssue, root: z.ZodType): string {
  switch (issue.code) {
    case 'too_big':
      return bound(issue, issue.maximum, true);
    case 'too_small':
      return bound(issue, issue.minimum, false);
    case 'invalid_type':
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.join(', ')}`;
    case 'invalid_union': {
      const s = schemaAt(root, issue.path as KeyPath);
      return `must be ${s ? expectedOf(s) : 'valid'}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

function unknownKeyLines(path: KeyPath, keys: string[], root: z.ZodType, sources: Sources): string[] {
  const parent = schemaAt(root, path);
  const known = parent ? Object.keys(shapeOf(parent) ?? {}) : [];
  return keys.map((k) => {
    const key = keyName([...path, k]);
    const guess = closest(k, known);
    const hint = guess ? `did you mean ${keyName([...path, guess])}?` : `known keys here: ${known.join(', ')}`;
    return `${key} is not a known key (${hint}) (${sourceOf(sources, key)})`;
  });
}

/** Turns zod issues into one line per bad key (the first issue for a key wins). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, root: z.ZodType, sources: Sources): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path as KeyPath;
    if (issue.code === 'unrecognized_keys') {
      lines.push(...unknownKeyLines(path, issue.keys, root, sources));
      continue;
    }
    const key = keyName(path) || '(top level)';
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`${key} ${wording(issue, root)}, got ${show(path, valueAt(raw, path))} (${sourceOf(sources, key)})`);
  }
  return lines;
}
