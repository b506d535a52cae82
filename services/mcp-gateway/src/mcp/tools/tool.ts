import type { Bus } from '@gatehouse/bus';
import type { Scope } from '@gatehouse/proto';
import type { z } from 'zod';
import type { AccessToken } from '../../auth/access-token.ts';
import type { WidgetName } from '../widgets/catalog.ts';

/** What a tool's `run` gets: who it acts for, and the bus to reach the GitHub worker. */
export interface ToolContext {
  token: AccessToken;
  /** `caller` for every worker request: from the verified token, never from the arguments. */
  caller: { userId: string; grantId: string; clientId: string };
  bus: Pick<Bus, 'request'>;
  /** The deadline of each worker request. */
  timeoutMs: number;
}

/** A successful run: the structured result, one short sentence for the model, audit facts. */
export interface ToolOutcome<O> {
  structuredContent: O;
  text: string;
  /** X-GitHub-Request-Id, for the audit trail. */
  githubRequestId?: string;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * One MCP tool: its contract (schemas, annotations, scope), how ChatGPT shows it (widget,
 * status lines), and what it does. Every tool file exports one of these.
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  /** Written for a model: when to use it, what it returns. */
  description: string;
  /** The scope the token must carry; null for tools any valid token may call. */
  scope: Scope | null;
  /** Writes to GitHub: hidden when READ_ONLY_TOOLS is set. */
  writes: boolean;
  annotations: ToolAnnotations;
  input: I;
  output: O;
  widget?: WidgetName;
  /** ChatGPT's status lines while the tool runs and after (≤ 64 characters each). */
  invoking: string;
  invoked: string;
  /** The repository the call concerns, for the audit (never other arguments). */
  repositoryOf?: (args: z.output<I>) => string | undefined;
  run(args: z.output<I>, context: ToolContext): Promise<ToolOutcome<z.output<O>>>;
}

/** Keeps the input and output types of a tool tied to its schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}
