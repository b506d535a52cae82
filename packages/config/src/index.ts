export { busEnv, databaseEnv, healthEnv, logEnv, redisEnv } from './common.ts';
export { envBoolean, envDuration, envList, envPort, envUrl } from './fields.ts';
export { ConfigError, type EnvSource, parseEnv } from './parse-env.ts';
