export { LogTail } from './tail.ts';
export { createLogger, redactPaths, REDACTED, REDACT_DEPTH, SECRET_KEYS, type CreateLoggerOptions, type Logger } from './logger.ts';
