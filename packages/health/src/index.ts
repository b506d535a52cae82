export { type RunServiceOptions, runService } from './run-service.ts';
export { type HealthServer, type ReadinessCheck, startHealthServer } from './server.ts';
export { handleShutdown, type ShutdownStep } from './shutdown.ts';
export { exitOnStartFailure } from './start-failure.ts';
