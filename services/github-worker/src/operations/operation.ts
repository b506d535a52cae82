import type { GitHub } from '../github/client.ts';

/** What an operation may use: GitHub as the person, and what may be shown of their token. */
export interface OperationContext {
  github: GitHub;
  upstream: {
    /** First and last four characters only (upstream-tokens.ts `maskToken`). */
    maskedToken: string;
    expiresAt: Date | undefined;
  };
}

/**
 * One GitHub operation behind one bus method. Every operation has this shape: `parse` validates the
 * request (throwing `invalid_request` before any token is fetched), `run` makes the GitHub calls and
 * maps the answer to the contract. Tokens, retries and error mapping are the executor's.
 */
export interface Operation<Request, Input, Result> {
  /** For the message when a write's outcome is unknown: "creating the issue". */
  action: string;
  /** False for writes: a write whose answer was lost is never repeated. */
  idempotent: boolean;
  parse(request: Request): Input;
  /** What GitHub's 404 is about: "Repository octocat/hello". */
  subject(input: Input): string;
  run(context: OperationContext, input: Input): Promise<Result>;
}
