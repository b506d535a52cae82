import { busError, type RpcContext, type ServiceHandlers } from '@gatehouse/bus';
import type { github } from '@gatehouse/proto';
import { WorkerError } from '../errors.ts';
import { createIssue } from '../operations/create-issue.ts';
import { createPullRequest } from '../operations/create-pull-request.ts';
import type { Execute } from '../operations/execute.ts';
import { getRepository } from '../operations/get-repository.ts';
import { getViewer } from '../operations/get-viewer.ts';
import { listBranches } from '../operations/list-branches.ts';
import { listIssues } from '../operations/list-issues.ts';
import { listRepositories } from '../operations/list-repositories.ts';
import type { Operation } from '../operations/operation.ts';
import { searchIssues } from '../operations/search-issues.ts';

/** The one table of what the worker answers: each `rpc.github.*` method and its operation. */
export function githubHandlers(execute: Execute): ServiceHandlers<typeof github.GitHubService> {
  const serve =
    <Request extends { caller?: { userId: string } }, Input, Result extends object>(
      operation: Operation<Request, Input, Result>,
    ) =>
    async (request: Request, context: RpcContext) => {
      try {
        return await execute(operation, request, context);
      } catch (error) {
        throw toWire(error);
      }
    };
  return {
    getViewer: serve(getViewer),
    listRepositories: serve(listRepositories),
    getRepository: serve(getRepository),
    listBranches: serve(listBranches),
    listIssues: serve(listIssues),
    searchIssues: serve(searchIssues),
    createIssue: serve(createIssue),
    createPullRequest: serve(createPullRequest),
  };
}

/** The worker's errors onto the bus, in the one place that happens; anything else leaves as `internal`. */
function toWire(error: unknown): unknown {
  if (!(error instanceof WorkerError)) return error;
  const description = error.code === 'internal' ? 'An internal error occurred.' : error.description;
  return busError(error.code, description, {
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    reason: error.reason ?? error.description,
  });
}
