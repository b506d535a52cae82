import { randomUUID } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { expect } from 'vitest';

/** Octokit with the plugins production uses. */
export const ProductionOctokit = Octokit.plugin(throttling, retry);

export interface ClientEvents {
  rateLimited: number[];
  secondaryLimited: number[];
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * A fresh client per call: the throttling plugin spaces writes and searches per client id (1-2 s
 * apart), so tests that make several use separate clients to stay fast.
 */
export function octokit(
  baseUrl: string,
  token?: string,
  options: { retryAfterBaseValue?: number } = {},
): { client: InstanceType<typeof ProductionOctokit>; events: ClientEvents } {
  const events: ClientEvents = { rateLimited: [], secondaryLimited: [] };
  const client = new ProductionOctokit({
    baseUrl,
    ...(token ? { auth: token } : {}),
    log: silent,
    throttle: {
      id: randomUUID(),
      // Waiting out a primary limit means waiting for its window to reset: tests only record it.
      onRateLimit: (retryAfter: number) => {
        events.rateLimited.push(retryAfter);
        return false;
      },
      onSecondaryRateLimit: (retryAfter: number, _options: object, _octokit: unknown, retryCount: number) => {
        events.secondaryLimited.push(retryAfter);
        return retryCount < 1;
      },
    },
    retry: { retryAfterBaseValue: options.retryAfterBaseValue ?? 1000 },
  });
  return { client, events };
}

/** What Octokit throws for an HTTP error (its RequestError, named HttpError). */
export interface HttpError {
  name: string;
  status: number;
  message: string;
  response?: { headers: Record<string, string | undefined>; data: unknown };
}

/** Awaits a rejection and returns it as Octokit's RequestError, failing the test if it is anything else. */
export async function requestError(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toMatchObject({ name: 'HttpError', status: expect.any(Number) });
  return error as HttpError;
}
