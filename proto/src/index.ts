// The contracts: generated protobuf messages and services, the subject option, and the event
// taxonomy. Services import these; none spells a subject or an event type as a literal.

export { CLIENT_ASSERTION_ALGORITHMS } from './client-assertion.ts';
export { EVENT_TYPES, type EventType, eventSubject, isEventType } from './events.ts';
export * from './gen/gatehouse/audit/v1/audit_pb.ts';
export * from './gen/gatehouse/bus/v1/bus_pb.ts';
export * from './gen/gatehouse/events/v1/event_pb.ts';
export * as github from './gen/gatehouse/github/v1/github_pb.ts';
export * as identity from './gen/gatehouse/identity/v1/identity_pb.ts';
export * as token from './gen/gatehouse/token/v1/token_pb.ts';
export { ALL_SCOPES, isScope, parseScope, SCOPES, type Scope, upstreamScopes } from './scopes.ts';
export { parseTimeExpression } from './time-expression.ts';
