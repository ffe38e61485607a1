/** Splits a command's own flags from the config flags, which go on to loadConfig untouched. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_FLAG_OPTIONS } from '../config/index.ts';
import { PairSchema, type Pair } from '../contract/index.ts';
import { UsageError } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<T extends Options> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

export interface ParsedCommandArgs<T extends Options> {
  values: Values<T>;
  /** The config flags exactly as given, for loadConfig({ argv }). */
  configArgv: string[];
}

export function parseCommandArgs<T extends Options>(args: readonly string[], own: T): ParsedCommandArgs<T> {
  const parsed = (() => {
    try {
      return parseArgs({ args: [...args], options: { ...CONFIG_FLAG_OPTIONS, ...own }, strict: true, allowPositionals: false, tokens: true });
    } catch (err) {
      // node's messages add a long hint about positionals after the first sentence.
      throw new UsageError((err as Error).message.split('. ')[0]!, { cause: err });
    }
  })();
  const configArgv: string[] = [];
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || !(token.name in CONFIG_FLAG_OPTIONS) || token.name in own) continue;
    configArgv.push(args[token.index]!);
    if (token.value !== undefined && !token.inlineValue) configArgv.push(args[token.index + 1]!);
  }
  const values = Object.fromEntries(Object.entries(parsed.values).filter(([k]) => k in own)) as Values<T>;
  return { values, configArgv };
}

/** A `--pairs A/USD,B/USD` value: every pair must be one the contract knows. */
export function pairsFlag(value: string): Pair[] {
  return value.split(',').map((p) => {
    const parsed = PairSchema.safeParse(p.trim());
    if (!parsed.success) throw new UsageError(`--pairs: unknown pair "${p}"; use ${PairSchema.options.join(', ')}`);
    return parsed.data;
  });
}
