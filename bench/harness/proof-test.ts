// The vitest fixture the proof suites (test/attacks, test/races, test/fuzz) share: one real stack
// per test file on the file's isolated database, subject prefix and key prefix.
import { test } from '@gatehouse/testing';
import { type ProofStack, type ProofStackOptions, startProofStack } from './proof-stack.ts';

export type ProofTestOptions = Pick<ProofStackOptions, 'env' | 'serviceEnv' | 'emulator' | 'services'>;

export function proofTest(options: ProofTestOptions = {}) {
  return test.extend<{ stack: ProofStack }>({
    stack: [
      async ({ infrastructure, isolation }, use) => {
        const stack = await startProofStack({
          natsUrl: infrastructure.natsUrl,
          redisUrl: infrastructure.redisUrl,
          databaseUrl: isolation.databaseUrl,
          natsPrefix: isolation.natsPrefix,
          redisPrefix: isolation.redisPrefix,
          ...options,
        });
        await use(stack);
        await stack.stop();
      },
      { scope: 'file' },
    ],
  });
}
