/** `brain config`: the effective configuration with secrets masked, where overrides came from, or the key table. */
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'smol-toml';
import { describeKeys, maskSecrets, resolveConfig, valueAt, type KeyInfo } from '../../config/index.ts';
import { parseCommandArgs } from '../args.ts';
import { CONFIG_FLAGS_USAGE, EXIT, UsageError, type Command } from '../command.ts';

/** Keys whose value differs from the built-in default, or that an env variable or flag set. */
function overrides(config: unknown, sources: ReadonlyMap<string, string>, keys: KeyInfo[]): string[] {
  return keys
    .filter((k) => sources.has(k.key) && !k.key.startsWith('secrets.'))
    .filter((k) => !sources.get(k.key)!.endsWith('.toml') || !isDeepStrictEqual(valueAt(config, k.path), k.default))
    .map((k) => `#   ${k.key} ← ${sources.get(k.key)}`);
}

function keyTable(keys: KeyInfo[]): string {
  return keys.map((k) => `${k.key} = ${k.default === undefined ? '(unset)' : JSON.stringify(k.default)}   [${k.env}]\n    ${k.description}`).join('\n');
}

export const config: Command = {
  name: 'config',
  usage: `usage: brain config [--format toml|json] [--keys] [config flags]
  --format toml|json       output format (default toml; json prints the config alone, for tools)
  --keys                   list every key with its environment variable, default and meaning

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { values, configArgv } = parseCommandArgs(args, { format: { type: 'string' }, keys: { type: 'boolean' } });
    const format = values.format ?? 'toml';
    if (format !== 'toml' && format !== 'json') throw new UsageError(`--format must be toml or json, got "${format}"`);
    const keys = describeKeys();
    if (values.keys) {
      io.stdout.write(`${keyTable(keys)}\n`);
      return EXIT.ok;
    }
    const { config: effective, sources } = resolveConfig({ env: io.env, argv: configArgv, cwd: io.cwd });
    const masked = maskSecrets(effective);
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify(masked, null, 2)}\n`);
      return EXIT.ok;
    }
    const changed = overrides(effective, sources, keys);
    const header = [
      '# effective configuration; secrets masked',
      ...(changed.length ? ['# not at the built-in default:', ...changed] : ['# every key is at its built-in default']),
    ];
    io.stdout.write(`${header.join('\n')}\n\n${stringify(masked)}\n`);
    return EXIT.ok;
  },
};
