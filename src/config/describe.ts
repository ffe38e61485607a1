/** The documented key table behind `brain config --keys`: key, env variable, default, description. */
import { envNameOf } from './layers.ts';
import { keyName, leafPaths, schemaAt, valueAt } from './keys.ts';
import { ConfigObjectSchema, RISK_DESCRIPTIONS, ROLLBACK_DESCRIPTIONS } from './schema.ts';

export interface KeyInfo {
  key: string;
  path: string[];
  env: string;
  default: unknown;
  description: string;
}

const CONTRACT_DESCRIPTIONS: Record<string, Record<string, string>> = { risk: RISK_DESCRIPTIONS, rollback: ROLLBACK_DESCRIPTIONS };

export function describeKeys(): KeyInfo[] {
  const defaults = ConfigObjectSchema.parse({});
  return leafPaths(ConfigObjectSchema).map((path) => {
    const value = valueAt(defaults, path);
    const description = schemaAt(ConfigObjectSchema, path)?.description ?? CONTRACT_DESCRIPTIONS[path[0]!]?.[path[1]!] ?? '';
    return { key: keyName(path), path, env: envNameOf(path) ?? '', default: value, description };
  });
}
