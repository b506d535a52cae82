import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,proto,services,tools}/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration tests start real servers; two cores cannot usefully run more than two files at once.
    maxWorkers: 2,
  },
});
