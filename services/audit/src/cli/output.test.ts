import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, Outcome } from '@gatehouse/proto';
import { describe, expect, test } from 'vitest';
import { eventJson, eventTable } from './output.ts';

const event = create(EventSchema, {
  id: '01933b2e-7f00-7a1b-8c2d-3e4f5a6b7c8d',
  type: 'token.refresh_token.reused',
  occurredAt: timestampFromDate(new Date('2026-11-23T10:00:00.250Z')),
  service: 'token',
  actor: { userId: 'u1', githubLogin: 'octocat' },
  clientId: 'https://client.example/metadata/a-very-long-client-id-document.json',
  grantId: 'g1',
  outcome: Outcome.DENIED,
  reason: 'invalid_grant',
  details: { family_size: '3' },
});

describe('CLI output', () => {
  test('JSON is the canonical protobuf mapping with the .proto field names', () => {
    expect(eventJson(event)).toEqual({
      id: '01933b2e-7f00-7a1b-8c2d-3e4f5a6b7c8d',
      type: 'token.refresh_token.reused',
      occurred_at: '2026-11-23T10:00:00.250Z',
      service: 'token',
      actor: { user_id: 'u1', github_login: 'octocat' },
      client_id: 'https://client.example/metadata/a-very-long-client-id-document.json',
      grant_id: 'g1',
      outcome: 'OUTCOME_DENIED',
      reason: 'invalid_grant',
      details: { family_size: '3' },
    });
  });

  test('the table aligns columns, shortens long values and neutralises control characters', () => {
    const hostile = create(EventSchema, { type: event.type, actor: { githubLogin: 'evil\u001b[31mred' } });
    const lines = eventTable([event, hostile]).split('\n');
    expect(lines[0]).toMatch(/^TIME\s+TYPE\s+OUTCOME\s+USER\s+CLIENT\s+GRANT\s+IP\s+REASON$/);
    expect(lines[1]).toContain('2026-11-23T10:00:00.250Z  token.refresh_token.reused  denied');
    expect(lines[1]).toContain('https://client.example/metadata/a-very-…');
    expect(lines[2]).toContain('evil?[31mred');
    expect(lines[2]).not.toContain('\u001b');
    expect(lines[1]!.indexOf('octocat')).toBe(lines[0]!.indexOf('USER'));
  });
});
