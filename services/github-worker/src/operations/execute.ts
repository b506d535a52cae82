import { deadlineSignal } from '@gatehouse/bus';
import { WorkerError } from '../errors.ts';
import { DeadlineExceeded, type GitHubClient, raceDeadline } from '../github/client.ts';
import { isUnauthorized, toWorkerError } from '../github/errors.ts';
import { type CachedUpstreamTokens, maskToken, type UpstreamToken } from '../upstream-tokens.ts';
import type { Operation } from './operation.ts';
import { callerUserId } from './validate.ts';

export interface WorkerDependencies {
  tokens: CachedUpstreamTokens;
  github: GitHubClient;
  /** GITHUB_REQUEST_TIMEOUT: the most one operation may take, whatever the caller's deadline. */
  requestTimeoutMs: number;
}

/** The caller's deadline, as the bus hands it to a handler. */
export interface Deadline {
  /** Epoch ms. */
  deadline: number;
  signal: AbortSignal;
}

export type Execute = <Request extends { caller?: { userId: string } }, Input, Result extends object>(
  operation: Operation<Request, Input, Result>,
  request: Request,
  deadline: Deadline,
) => Promise<Result & { githubRequestId: string }>;

/**
 * Runs an operation as the calling person: validate, fetch their GitHub token, call GitHub, and
 * map whatever failed to a WorkerError. When GitHub answers 401 the token expired or was revoked:
 * ask for a refreshed one and try once more (a 401 means GitHub did nothing, so even a write is
 * safe to repeat); a second 401, or a failed refresh, means the person must reconnect GitHub.
 */
export function createExecutor(dependencies: WorkerDependencies): Execute {
  const { tokens, github, requestTimeoutMs } = dependencies;
  return async (operation, request, caller) => {
    const userId = callerUserId(request.caller);
    const input = operation.parse(request);
    const deadline = Math.min(caller.deadline, Date.now() + requestTimeoutMs);
    const { signal, release } = deadlineSignal(deadline, caller.signal);

    const attempt = async (token: UpstreamToken) => {
      const call = github.call({
        token: token.accessToken,
        userId,
        signal,
        deadline,
        idempotent: operation.idempotent,
      });
      const upstream = { maskedToken: maskToken(token.accessToken), expiresAt: token.expiresAt };
      const result = await raceDeadline(operation.run({ github: call.octokit, upstream }, input), signal);
      return { ...result, githubRequestId: call.requestId() };
    };

    // Waiting on identity is not waiting on GitHub: say which one ran out of time.
    const upstreamToken = (work: Promise<UpstreamToken>) =>
      raceDeadline(work, signal).catch((error: unknown) => {
        if (!(error instanceof DeadlineExceeded)) throw error;
        throw new WorkerError(
          'unavailable',
          'Your GitHub connection could not be read in time; try again shortly',
          {
            reason: 'identity did not answer before the deadline',
          },
        );
      });

    try {
      const token = await upstreamToken(tokens.get(userId, deadline));
      try {
        return await attempt(token);
      } catch (error) {
        if (!isUnauthorized(error)) throw error;
        const refreshed = await upstreamToken(tokens.refresh(userId, token, deadline));
        try {
          return await attempt(refreshed);
        } catch (retryError) {
          // Even the refreshed token is refused: keep nothing that GitHub will refuse again.
          if (isUnauthorized(retryError)) tokens.forget(userId);
          throw retryError;
        }
      }
    } catch (error) {
      throw toWorkerError(error, {
        subject: operation.subject(input),
        action: operation.action,
        idempotent: operation.idempotent,
      });
    } finally {
      release();
    }
  };
}
