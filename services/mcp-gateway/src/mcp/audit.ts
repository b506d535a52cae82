import type { EventPublisher } from '@gatehouse/bus';
import type { AccessToken } from '../auth/access-token.ts';
import type { RequestOrigin } from '../auth/rejection-events.ts';

export interface ToolCallRecord {
  tool: string;
  token: AccessToken;
  outcome: 'success' | 'failure' | 'denied';
  /** The error code of a failure or denial. */
  reason?: string;
  latencyMs: number;
  repository?: string;
  githubRequestId?: string;
  origin: RequestOrigin;
}

/**
 * `gateway.tool.called`: which tool, for whom, on which repository, how it ended and how long it
 * took. Never the arguments: an issue body or a search query may hold anything.
 */
export function recordToolCall(events: Pick<EventPublisher, 'emit'>, record: ToolCallRecord): void {
  events.emit({
    type: 'gateway.tool.called',
    outcome: record.outcome,
    reason: record.reason,
    actor: { userId: record.token.userId },
    clientId: record.token.clientId,
    grantId: record.token.grantId,
    ip: record.origin.ip,
    userAgent: record.origin.userAgent,
    details: {
      tool: record.tool,
      repository: record.repository,
      latency_ms: Math.round(record.latencyMs),
      github_request_id: record.githubRequestId || undefined,
    },
  });
}
