/** Printing config safely (DESIGN inv. 7): secrets become a marker saying only whether they are set. */
import { SECRET_ENV, type Config, type SecretName } from './schema.ts';

export const MASK = '***';
export const NOT_SET = '(not set)';

export type MaskedConfig = Omit<Config, 'secrets'> & { readonly secrets: Readonly<Record<SecretName, string>> };

export function maskSecrets(config: Config): MaskedConfig {
  const names = Object.keys(SECRET_ENV) as SecretName[];
  const secrets = Object.fromEntries(names.map((k) => [k, config.secrets[k] ? MASK : NOT_SET])) as Record<SecretName, string>;
  return { ...config, secrets };
}

/** Every secret value that is set, for value-based log scrubbing. */
export function secretValues(config: Config): string[] {
  return Object.values(config.secrets).filter((v): v is string => typeof v === 'string' && v !== '');
}
