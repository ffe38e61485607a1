/**
 * Walks the config schema so the environment mapping, `--set` and the key listing are derived from
 * it rather than kept by hand: a key added to the schema is at once settable as BRAIN_<PATH>.
 */
import type { z } from 'zod';

export type KeyPath = readonly (string | number)[];

interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
  entries?: Record<string, unknown>;
  defaultValue?: unknown;
}
const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly']);

/** The schema under defaults/optionals, where the value's real type is. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (WRAPPERS.has(defOf(s).type) && defOf(s).innerType) s = defOf(s).innerType!;
  return s;
}

export function kindOf(schema: z.ZodType): string {
  return defOf(unwrap(schema)).type;
}

export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const inner = unwrap(schema);
  return defOf(inner).type === 'object' ? defOf(inner).shape : undefined;
}

/** The schema of the value at `path`, or undefined when no such key exists. */
export function schemaAt(schema: z.ZodType, path: KeyPath): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const seg of path) {
    if (!s) return undefined;
    const d = defOf(unwrap(s));
    s = typeof seg === 'number' ? (d.type === 'array' ? d.element : undefined) : shapeOf(s)?.[seg];
  }
  return s;
}

/** Every settable key (objects are descended; arrays and scalars are leaves), in schema order. */
export function leafPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const shape = shapeOf(schema);
  if (!shape) return [prefix];
  return Object.entries(shape).flatMap(([k, s]) => leafPaths(s, [...prefix, k]));
}

/** The value at `path` inside a plain object tree, or undefined. */
export function valueAt(root: unknown, path: KeyPath): unknown {
  let v = root;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

export function keyName(path: KeyPath): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

const snake = (seg: string) => seg.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
export function envName(path: readonly string[]): string {
  return `BRAIN_${path.map(snake).join('_')}`;
}

const numeric = (text: string): number | string => {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
};
const BOOLS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/**
 * Turns text from the environment or a flag into the type the key expects. A value that does not
 * convert is passed through unchanged, so validation reports it with the text the operator wrote.
 */
export function coerceText(text: string, schema: z.ZodType): unknown {
  const inner = unwrap(schema);
  const d = defOf(inner);
  switch (d.type) {
    case 'number':
      return numeric(text);
    case 'boolean':
      return BOOLS[text.trim().toLowerCase()] ?? text;
    case 'array':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .map((s) => coerceText(s, d.element!));
    case 'union':
      return d.options!.some((o) => kindOf(o) === 'number') ? numeric(text) : text;
    default:
      return text;
  }
}

/** A short human description of what a key accepts, used when an error has no better wording. */
export function expectedOf(schema: z.ZodType): string {
  const d = defOf(unwrap(schema));
  switch (d.type) {
    case 'enum':
      return `one of ${Object.values(d.entries ?? {}).join(', ')}`;
    case 'literal':
      return (d.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'union':
      return d.options!.map(expectedOf).join(' or ');
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a table';
    default:
      return `a ${d.type}`;
  }
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
