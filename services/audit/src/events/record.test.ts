import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Event, EventSchema, Outcome } from '@gatehouse/proto';
import { describe, expect, test } from 'vitest';
import { admitEvent } from './record.ts';

const now = new Date('2026-11-23T12:00:00.000Z');
const ID = '01933B2E-7F00-7A1B-8C2D-3E4F5A6B7C8D';

function event(overrides: MessageInitShape<typeof EventSchema> = {}): Event {
  return create(EventSchema, {
    id: ID,
    type: 'token.grant.revoked',
    occurredAt: timestampFromDate(new Date('2026-11-23T11:59:59.250Z')),
    service: 'token',
    outcome: Outcome.SUCCESS,
    ...overrides,
  });
}

describe('admitting an event', () => {
  test('normalises a valid envelope: lowercase id, empty fields as null, millisecond time', () => {
    expect(
      admitEvent(event({ grantId: 'g1', details: { by: 'reuse' } }), 'token.grant.revoked', now),
    ).toEqual({
      admitted: true,
      record: {
        id: ID.toLowerCase(),
        type: 'token.grant.revoked',
        occurredAt: new Date('2026-11-23T11:59:59.250Z'),
        service: 'token',
        userId: null,
        githubLogin: null,
        clientId: null,
        grantId: 'g1',
        ip: null,
        userAgent: null,
        outcome: 'success',
        reason: null,
        traceId: null,
        details: { by: 'reuse' },
      },
    });
  });

  test('replaces NUL, which Postgres text cannot hold, in every text field and details', () => {
    const admission = admitEvent(
      event({
        userAgent: 'a\u0000b',
        actor: { githubLogin: 'x\u0000' },
        details: { 'k\u0000': 'v\u0000' },
      }),
      'token.grant.revoked',
      now,
    );
    expect(admission.admitted && admission.record).toMatchObject({
      userAgent: 'a\uFFFDb',
      githubLogin: 'x\uFFFD',
      details: { 'k\uFFFD': 'v\uFFFD' },
    });
  });

  test.for([
    ['missing_id', event({ id: '' }), 'token.grant.revoked'],
    ['invalid_id', event({ id: 'abc' }), 'token.grant.revoked'],
    ['unknown_type', event({ type: 'token.grant.exploded' }), 'token.grant.exploded'],
    ['subject_mismatch', event(), 'gateway.tool.called'],
    ['subject_mismatch', event(), undefined],
    ['invalid_envelope', event({ outcome: Outcome.UNSPECIFIED }), 'token.grant.revoked'],
    ['invalid_envelope', event({ occurredAt: undefined }), 'token.grant.revoked'],
    [
      'invalid_envelope',
      event({ occurredAt: timestampFromDate(new Date('2026-11-23T13:00:01Z')) }),
      'token.grant.revoked',
    ],
    ['invalid_envelope', event({ service: '' }), 'token.grant.revoked'],
  ] as const)('refuses as %s', ([reason, envelope, subjectType]) => {
    expect(admitEvent(envelope, subjectType, now)).toMatchObject({ admitted: false, reason });
  });

  test('accepts an event up to an hour ahead of this clock', () => {
    const ahead = event({ occurredAt: timestampFromDate(new Date('2026-11-23T12:59:59Z')) });
    expect(admitEvent(ahead, 'token.grant.revoked', now).admitted).toBe(true);
  });
});
