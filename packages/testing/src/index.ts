export { chromiumPath, launchChromium } from './browser.ts';
export { createDatabase, databaseUrl, dropDatabase, truncateSchemas } from './databases.ts';
export { describe, expect, type Fixtures, type Isolation, test, uniqueName, vi } from './fixtures.ts';
export type { TestInfrastructure } from './infrastructure.ts';
export { type CapturedLogs, captureLogs } from './logs.ts';
export { freePort } from './ports.ts';
export { type RunningService, startService } from './service-process.ts';
export { createTestStream, deleteStaleTestStreams, deleteTestStream } from './streams.ts';
