import { startTelemetry } from '@gatehouse/telemetry';

// Telemetry hooks module loading, so it starts before anything it instruments is imported.
await startTelemetry({ service: 'audit' });
const { exitOnStartFailure } = await import('@gatehouse/health');
const { start } = await import('./start.ts');
await start().catch(exitOnStartFailure);
