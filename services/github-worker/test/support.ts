import { randomUUID } from 'node:crypto';
import { create, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { RunningGitHubEmulator } from '@gatehouse/github-emulator';
import { createLogger } from '@gatehouse/logging';
import { github } from '@gatehouse/proto';
import { type CapturedLogs, captureLogs, expect } from '@gatehouse/testing';
import { WorkerError, type WorkerErrorCode } from '../src/errors.ts';
import { GitHubClient } from '../src/github/client.ts';
import { createIssue } from '../src/operations/create-issue.ts';
import { createPullRequest } from '../src/operations/create-pull-request.ts';
import { createExecutor, type Deadline, type Execute } from '../src/operations/execute.ts';
import { getRepository } from '../src/operations/get-repository.ts';
import { getViewer } from '../src/operations/get-viewer.ts';
import { listBranches } from '../src/operations/list-branches.ts';
import { listIssues } from '../src/operations/list-issues.ts';
import { listRepositories } from '../src/operations/list-repositories.ts';
import type { Operation } from '../src/operations/operation.ts';
import { searchIssues } from '../src/operations/search-issues.ts';
import {
  CachedUpstreamTokens,
  type UpstreamToken,
  type UpstreamTokenSource,
} from '../src/upstream-tokens.ts';

/** Mints a GitHub token the way any test client would: the emulator's control API, over HTTP. */
export async function mintToken(
  emulator: RunningGitHubEmulator,
  request: { login: string; scopes?: string[]; expiresIn?: number },
): Promise<UpstreamToken> {
  const response = await fetch(`${emulator.url}/_emulator/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { token: string; expiresAt: string | null };
  return { accessToken: body.token, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined };
}

/**
 * The upstream-token port as the GitHub side sees it: each person's token is one the emulator
 * minted, and a refresh mints a new one (as identity's refresh at GitHub would) or fails the way
 * identity reports a dead connection. Identity itself is tested against the real service in
 * identity.test.ts; here the worker's own logic around the port is what is under test.
 */
export class EmulatorTokenSource implements UpstreamTokenSource {
  readonly #emulator: RunningGitHubEmulator;
  readonly #tokens = new Map<string, UpstreamToken>();
  readonly #logins = new Map<string, string>();
  gets = 0;
  refreshes = 0;
  /**
   * What a refresh does: mint a new token; answer that the person must reconnect; or hand over a
   * token GitHub never issued (as if GitHub revoked it again at once).
   */
  onRefresh: 'mint' | 'reconnect' | 'unknown-to-github' = 'mint';

  constructor(emulator: RunningGitHubEmulator) {
    this.#emulator = emulator;
  }

  /** Gives `userId` a fresh token for `login`; returns it so the test can expire or inspect it. */
  async connect(userId: string, login: string, options: { expiresIn?: number } = {}): Promise<UpstreamToken> {
    const token = await mintToken(this.#emulator, { login, scopes: ['repo'], ...options });
    this.#tokens.set(userId, token);
    this.#logins.set(userId, login);
    return token;
  }

  /** Replaces the stored token without minting (e.g. one the emulator never issued). */
  set(userId: string, token: UpstreamToken): void {
    this.#tokens.set(userId, token);
  }

  async get(userId: string): Promise<UpstreamToken> {
    this.gets += 1;
    const token = this.#tokens.get(userId);
    if (!token)
      throw new WorkerError('invalid_grant', 'GitHub no longer accepts this connection; reconnect GitHub');
    return token;
  }

  async refresh(userId: string): Promise<UpstreamToken> {
    this.refreshes += 1;
    const login = this.#logins.get(userId);
    if (this.onRefresh === 'reconnect' || !login) {
      throw new WorkerError('invalid_grant', 'GitHub no longer accepts this connection; reconnect GitHub');
    }
    if (this.onRefresh === 'unknown-to-github') {
      const token = { accessToken: `gho_${randomUUID().replaceAll('-', '')}`, expiresAt: undefined };
      this.#tokens.set(userId, token);
      return token;
    }
    return this.connect(userId, login);
  }
}

export interface TestWorker {
  execute: Execute;
  tokens: CachedUpstreamTokens;
  logs: CapturedLogs;
  /** Each operation, called with a request built like the bus delivers it and a 5 s deadline. */
  call: ReturnType<typeof operationsOf>;
}

/** Binds an operation to its request schema: `call.listIssues({ caller, owner, repo })`. */
function bind<Desc extends DescMessage, Input, Result extends object>(
  execute: Execute,
  operation: Operation<MessageShape<Desc>, Input, Result>,
  schema: Desc,
) {
  // Every request message of the contract has a `caller`; the generic Desc cannot say so.
  type Request = MessageShape<Desc> & { caller?: { userId: string } };
  return (init: MessageInitShape<Desc>, deadline: Deadline = deadlineIn(5_000)) =>
    execute(operation as Operation<Request, Input, Result>, create(schema, init) as Request, deadline);
}

function operationsOf(execute: Execute) {
  return {
    getViewer: bind(execute, getViewer, github.GetViewerRequestSchema),
    listRepositories: bind(execute, listRepositories, github.ListRepositoriesRequestSchema),
    getRepository: bind(execute, getRepository, github.GetRepositoryRequestSchema),
    listBranches: bind(execute, listBranches, github.ListBranchesRequestSchema),
    listIssues: bind(execute, listIssues, github.ListIssuesRequestSchema),
    searchIssues: bind(execute, searchIssues, github.SearchIssuesRequestSchema),
    createIssue: bind(execute, createIssue, github.CreateIssueRequestSchema),
    createPullRequest: bind(execute, createPullRequest, github.CreatePullRequestRequestSchema),
  };
}

export function createTestWorker(
  emulator: RunningGitHubEmulator,
  source: UpstreamTokenSource,
  options: { maxRetries?: number; requestTimeoutMs?: number; cacheTtlMs?: number; baseUrl?: string } = {},
): TestWorker {
  const logs = captureLogs();
  const logger = createLogger({ service: 'github-worker-test', level: 'debug', destination: logs.stream });
  const tokens = new CachedUpstreamTokens(source, { ttlMs: options.cacheTtlMs ?? 60_000, maxEntries: 100 });
  const execute = createExecutor({
    tokens,
    github: new GitHubClient({
      baseUrl: options.baseUrl ?? emulator.apiUrl,
      maxRetries: options.maxRetries ?? 2,
      logger,
    }),
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  });
  return { execute, tokens, logs, call: operationsOf(execute) };
}

/** A bus-like deadline `ms` from now. */
export function deadlineIn(ms: number): Deadline {
  return { deadline: Date.now() + ms, signal: AbortSignal.timeout(ms) };
}

/** A caller no other test uses: the throttling plugin paces writes and searches per person (1-2 s apart). */
export function caller(userId = `user-${randomUUID()}`): {
  userId: string;
  grantId: string;
  clientId: string;
} {
  return { userId, grantId: `grant-${randomUUID()}`, clientId: 'test-client' };
}

/** Awaits a rejection that must be a WorkerError with `code`; returns it for further assertions. */
export async function refusal(promise: Promise<unknown>, code: WorkerErrorCode): Promise<WorkerError> {
  const error = await promise.then(
    (value) => ({ resolved: value }),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WorkerError);
  expect((error as WorkerError).code).toBe(code);
  return error as WorkerError;
}
