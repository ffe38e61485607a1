/**
 * The sources of configuration, each turned into flat entries (key path, value, where it came from):
 * TOML files, then BRAIN_* variables (process env over .env), then CLI flags. Later entries win.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { ConfigObjectSchema, SECRET_ENV } from './schema.ts';
import { closest, coerceText, envName, keyName, leafPaths, schemaAt, shapeOf } from './keys.ts';

export interface Entry {
  path: string[];
  value: unknown;
  source: string;
}

/** An environment variable's value and whether it came from the process or the .env file. */
export interface EnvValue {
  value: string;
  origin: 'env' | '.env';
}

/** Settings that pick the files themselves, so they are not config keys. */
export const LOCATION_ENV = { configDir: 'BRAIN_CONFIG_DIR', envFile: 'BRAIN_ENV_FILE' } as const;

/** Read by src/cli/bin.mjs before any config loads (BRAIN_RUNTIME=tsx runs the sources, not dist/), so not a config key. */
export const LAUNCHER_ENV = { runtime: 'BRAIN_RUNTIME' } as const;

export const CONFIG_FLAG_OPTIONS = {
  mode: { type: 'string' },
  pairs: { type: 'string' },
  db: { type: 'string' },
  'log-level': { type: 'string' },
  set: { type: 'string', multiple: true },
  'config-dir': { type: 'string' },
  'env-file': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const FLAG_KEYS = { mode: ['mode'], pairs: ['pairs'], db: ['data', 'dbPath'], 'log-level': ['log', 'level'] } as const;

const SETTABLE = leafPaths(ConfigObjectSchema).filter((p) => p[0] !== 'secrets');
const SETTABLE_NAMES = SETTABLE.map((p) => keyName(p));
const ENV_TO_PATH = new Map(SETTABLE.map((p) => [envName(p), p]));

/** The BRAIN_* variable for each settable key, for documentation. */
export function envNameOf(path: readonly string[]): string | undefined {
  return path[0] === 'secrets' ? SECRET_ENV[path[1] as keyof typeof SECRET_ENV] : envName(path);
}

/** smol-toml builds tables with a null prototype; TOML dates are class instances and stay leaves. */
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v));

function flatten(value: unknown, path: string[], source: string, out: Entry[]): Entry[] {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, [...path, k], source, out);
  } else if (path.length > 0) out.push({ path, value, source });
  return out;
}

const SECRET_NAME = /(apikey|apisecret|secret|token|password|passphrase|privatekey)$/;
function looksSecret(path: readonly string[]): boolean {
  return path[0] === 'secrets' || path.some((seg) => SECRET_NAME.test(seg.toLowerCase().replace(/[-_]/g, '')));
}

const RISK_FILE_KEYS = new Set(['risk', 'rollback']);

/** Reads one TOML file (absent = no entries). `riskFile` says which top-level tables belong in it. */
export function tomlEntries(file: string, label: string, riskFile: boolean, problems: string[]): Entry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    problems.push(`${label} cannot be read: ${(err as Error).message}`);
    return [];
  }
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (err) {
    // The first line only: the rest quotes the offending line, which may hold a secret.
    const { line, column } = err as { line?: number; column?: number };
    const at = line === undefined ? '' : ` at line ${line}, column ${column ?? '?'}`;
    problems.push(`${label} is not valid TOML${at}: ${(err as Error).message.split('\n')[0]}; fix that line (smol-toml parses TOML 1.0)`);
    return [];
  }
  const top = Object.keys(shapeOf(ConfigObjectSchema) ?? {});
  return flatten(doc, [], label, []).filter(({ path }) => {
    const key = keyName(path);
    if (looksSecret(path)) {
      problems.push(
        `${key} looks like a secret: secrets come only from the environment or .env (${Object.values(SECRET_ENV).join(', ')}); remove it from ${label}`,
      );
      return false;
    }
    const head = path[0]!;
    if (top.includes(head) && RISK_FILE_KEYS.has(head) !== riskFile) {
      problems.push(`${key} belongs in ${riskFile ? 'settings.toml' : 'risk_limits.toml'}, not ${label}`);
      return false;
    }
    return true;
  });
}

function entryFor(path: string[], text: string, source: string): Entry {
  return { path, value: coerceText(text, schemaAt(ConfigObjectSchema, path)!), source };
}

/** BRAIN_* variables become keys; an unknown BRAIN_* name is an error (a typo would silently do nothing). */
export function envEntries(env: ReadonlyMap<string, EnvValue>, problems: string[]): Entry[] {
  const entries: Entry[] = [];
  const reserved = new Set<string>([...Object.values(LOCATION_ENV), ...Object.values(LAUNCHER_ENV)]);
  for (const [name, { value, origin }] of env) {
    if (!name.startsWith('BRAIN_') || reserved.has(name)) continue;
    const path = ENV_TO_PATH.get(name);
    if (path) entries.push(entryFor(path, value, `${origin} ${name}`));
    else {
      const guess = closest(name, [...ENV_TO_PATH.keys()]);
      problems.push(`${name} is not a known setting${guess ? ` (did you mean ${guess}?)` : ''} (${origin}); run \`brain config --keys\` for the list`);
    }
  }
  return entries;
}

export function secretEntries(env: ReadonlyMap<string, EnvValue>): Entry[] {
  return Object.entries(SECRET_ENV).flatMap(([key, name]) => {
    const hit = env.get(name);
    return hit ? [{ path: ['secrets', key], value: hit.value, source: `${hit.origin} ${name}` }] : [];
  });
}

export type ConfigFlags = ReturnType<typeof parseConfigFlags>;

export function parseConfigFlags(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: CONFIG_FLAG_OPTIONS, strict: true, allowPositionals: false }).values;
}

export function flagEntries(flags: ConfigFlags, problems: string[]): Entry[] {
  const entries: Entry[] = [];
  for (const [flag, path] of Object.entries(FLAG_KEYS)) {
    const text = flags[flag as keyof typeof FLAG_KEYS];
    if (text !== undefined && text !== '') entries.push(entryFor([...path], text, `flag --${flag}`));
  }
  for (const assignment of flags.set ?? []) {
    const eq = assignment.indexOf('=');
    const name = eq > 0 ? assignment.slice(0, eq) : assignment;
    if (eq <= 0) problems.push(`--set ${name} needs the form key=value, e.g. --set risk.maxOpenPositions=2 (flag --set)`);
    else if (!SETTABLE_NAMES.includes(name)) {
      const guess = closest(name, SETTABLE_NAMES);
      const hint = name.startsWith('secrets.')
        ? 'secrets come only from the environment or .env'
        : guess
          ? `did you mean ${guess}?`
          : 'run `brain config --keys`';
      problems.push(`${name} is not a settable key (${hint}) (flag --set)`);
    } else entries.push(entryFor(name.split('.'), assignment.slice(eq + 1), `flag --set ${name}`));
  }
  return entries;
}
