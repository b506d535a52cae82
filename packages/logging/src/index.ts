export { createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { REDACTED_KEYS, redactPaths } from './redaction.ts';
