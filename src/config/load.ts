/**
 * loadConfig: built-in defaults < config/settings.toml + config/risk_limits.toml < environment
 * (process env over .env) < what an operator recorded (the /mode request, read by the daemon's boot)
 * < CLI flags, validated once, every problem reported together, frozen.
 * Nothing here runs at import: the caller passes env, argv and the directories.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, describeIssues } from './errors.ts';
import { parseDotenv } from './dotenv.ts';
import { keyName } from './keys.ts';
import { LOCATION_ENV, envEntries, flagEntries, parseConfigFlags, secretEntries, tomlEntries, type ConfigFlags, type Entry, type EnvValue } from './layers.ts';
import { ConfigSchema, type Config } from './schema.ts';

export interface LoadConfigOptions {
  /** The process environment (pass `process.env`); empty strings count as unset. */
  env: Readonly<Record<string, string | undefined>>;
  /** Config flags only (--mode, --pairs, --db, --log-level, --set k=v, --config-dir, --env-file). */
  argv?: readonly string[];
  /** Default folder of settings.toml / risk_limits.toml, relative to cwd (default `config`). */
  configDir?: string;
  /** Base for relative paths (default: the process's working directory). */
  cwd?: string;
  /**
   * Settings an operator recorded in the database (the mode asked for with /mode): applied above the
   * environment and below the flags, so a flag on the server always has the last word.
   */
  recorded?: readonly Entry[];
}

export interface ResolvedConfig {
  config: Config;
  /** Key → where its value came from, for keys not left at their default. */
  sources: ReadonlyMap<string, string>;
}

export const SETTINGS_FILE = 'settings.toml';
export const RISK_FILE = 'risk_limits.toml';

function parseFlags(argv: readonly string[]): ConfigFlags {
  try {
    return parseConfigFlags(argv);
  } catch (err) {
    throw new ConfigError([`${(err as Error).message} (flags)`], { cause: err });
  }
}

/** Process env over .env, with blank values dropped (t3-env's trap: `PORT=` must mean unset, not ""). */
function mergeEnv(processEnv: LoadConfigOptions['env'], dotenv: Record<string, string>): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  for (const [k, v] of Object.entries(dotenv)) if (v.trim() !== '') env.set(k, { value: v, origin: '.env' });
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined && v.trim() !== '') env.set(k, { value: v, origin: 'env' });
  return env;
}

function readDotenv(file: string, label: string, explicit: boolean, problems: string[]): Record<string, string> {
  if (!existsSync(file)) {
    if (explicit) problems.push(`env file ${label} does not exist`);
    return {};
  }
  const { vars, badLines } = parseDotenv(readFileSync(file, 'utf8'));
  for (const n of badLines) problems.push(`${label} line ${n} is not KEY=VALUE`);
  return vars;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const seg of path.slice(0, -1)) {
    const next = node[seg];
    node = (node[seg] = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function resolveConfig(opts: LoadConfigOptions): ResolvedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const label = (file: string) => (relative(cwd, file).startsWith('..') || isAbsolute(relative(cwd, file)) ? file : relative(cwd, file));
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const flags = parseFlags(opts.argv ?? []);
  const problems: string[] = [];

  const dirChoice = flags['config-dir'] ?? blank(opts.env[LOCATION_ENV.configDir]) ?? opts.configDir;
  const configDir = resolve(cwd, dirChoice ?? 'config');
  if (dirChoice !== undefined && !existsSync(configDir)) problems.push(`config directory ${label(configDir)} does not exist`);
  const envChoice = flags['env-file'] ?? blank(opts.env[LOCATION_ENV.envFile]);
  const envFile = resolve(cwd, envChoice ?? '.env');
  const env = mergeEnv(opts.env, readDotenv(envFile, label(envFile), envChoice !== undefined, problems));

  const entries: Entry[] = [
    ...tomlEntries(join(configDir, SETTINGS_FILE), label(join(configDir, SETTINGS_FILE)), false, problems),
    ...tomlEntries(join(configDir, RISK_FILE), label(join(configDir, RISK_FILE)), true, problems),
    ...envEntries(env, problems),
    ...secretEntries(env),
    ...(opts.recorded ?? []),
    ...flagEntries(flags, problems),
  ];
  const raw: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const { path, value, source } of entries) {
    setPath(raw, path, value);
    sources.set(keyName(path), source);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, raw, ConfigSchema, sources));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems, { cause: parsed.error });
  return { config: deepFreeze(parsed.data), sources };
}

/** The effective configuration, frozen. Throws ConfigError listing every bad key. */
export function loadConfig(opts: LoadConfigOptions): Config {
  return resolveConfig(opts).config;
}
