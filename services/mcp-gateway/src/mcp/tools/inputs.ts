import { z } from 'zod';

// Input fields shared by the tools. The worker validates again before calling GitHub; checking
// here gives the model a precise error without a bus round trip.

/** GitHub user and organization names: alphanumerics and single hyphens, at most 39 characters. */
export const owner = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub user or organization name')
  .describe('Repository owner: a user or organization login, e.g. "octocat"');

/** GitHub repository names: letters, digits, `.`, `-`, `_`, at most 100 characters, not `.`/`..`. */
export const repo = z
  .string()
  .regex(/^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name')
  .describe('Repository name without the owner, e.g. "hello-world"');

export const perPage = z
  .number()
  .int()
  .min(1)
  .max(100)
  .default(30)
  .describe('Results per page, 1-100 (default 30)');

export const cursor = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_\-=.~]+$/, 'must be a next_cursor value from a previous result')
  .optional()
  .describe('The next_cursor of a previous result, to get the following page');

/** A branch name: no spaces, control characters or the characters git refuses in refs. */
export const branch = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!\/|.*(?:\/\/|\.\.|@\{|\/$|\.lock$))[^\s~^:?*[\\\p{Cc}]+$/u, 'must be a branch name');

export const labels = z.array(z.string().min(1).max(50)).max(20);

export const login = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub login');

/** The `owner/name` the audit records for a call on a repository. */
export function repositoryName(args: { owner: string; repo: string }): string {
  return `${args.owner}/${args.repo}`;
}
