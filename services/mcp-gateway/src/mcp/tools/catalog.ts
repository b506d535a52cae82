import { createIssue } from './create-issue.ts';
import { createPullRequest } from './create-pull-request.ts';
import { getRepository } from './get-repository.ts';
import { listBranches } from './list-branches.ts';
import { listIssues } from './list-issues.ts';
import { listRepositories } from './list-repositories.ts';
import { searchIssues } from './search-issues.ts';
import type { ToolDefinition } from './tool.ts';
import { whoami } from './whoami.ts';

/** Every tool, in the order clients list them. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  whoami,
  listRepositories,
  getRepository,
  listBranches,
  listIssues,
  searchIssues,
  createIssue,
  createPullRequest,
] as unknown as readonly ToolDefinition[];

/** The tools this deployment offers: READ_ONLY_TOOLS hides those that write to GitHub. */
export function toolCatalog(options: { readOnly: boolean }): ReadonlyMap<string, ToolDefinition> {
  return new Map(
    ALL_TOOLS.filter((tool) => !(options.readOnly && tool.writes)).map((tool) => [tool.name, tool]),
  );
}
