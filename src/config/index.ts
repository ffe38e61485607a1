/** Configuration: load once at the edge (`loadConfig`), pass the frozen object down. */
export { loadConfig, resolveConfig, SETTINGS_FILE, RISK_FILE, type LoadConfigOptions, type ResolvedConfig } from './load.ts';
export { ConfigError } from './errors.ts';
export { maskSecrets, secretValues, MASK, NOT_SET, type MaskedConfig } from './mask.ts';
export { ConfigSchema, SECRET_ENV, LOG_LEVELS, NOTIFICATION_LEVELS, type Config, type SecretName } from './schema.ts';
export { CONFIG_FLAG_OPTIONS, LOCATION_ENV } from './layers.ts';
export { describeKeys, type KeyInfo } from './describe.ts';
export { valueAt, closest } from './keys.ts';
