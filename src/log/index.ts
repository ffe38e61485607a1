export { LogTail } from './tail.ts';
export { createLogger, redactPaths, REDACTED, REDACT_DEPTH, SECRET_KEYS, secretScrubber, type CreateLoggerOptions, type Logger } from './logger.ts';
