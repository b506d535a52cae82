import type { EventInput } from '@gatehouse/bus';
import { describe, expect, test } from '@gatehouse/testing';
import { BearerError } from './errors.ts';
import { RejectionEvents } from './rejection-events.ts';

const origin = { ip: '203.0.113.9', userAgent: 'test' };

describe('RejectionEvents', () => {
  test('emits one gateway.token.rejected per reason per window, counting the rest', () => {
    const emitted: EventInput[] = [];
    let now = 0;
    const events = new RejectionEvents({
      events: { emit: (e) => emitted.push(e) as never },
      windowMs: 10_000,
      now: () => now,
    });
    for (let i = 0; i < 1000; i++) events.record(BearerError.rejected('signature'), origin);
    events.record(BearerError.rejected('expired'), origin);
    expect(emitted.map((e) => e.reason)).toEqual(['signature', 'expired']);
    now += 10_000;
    events.record(BearerError.rejected('signature'), origin);
    expect(emitted).toHaveLength(3);
    expect(emitted[2]).toMatchObject({
      type: 'gateway.token.rejected',
      outcome: 'denied',
      reason: 'signature',
      ip: '203.0.113.9',
      details: { oauth_error: 'invalid_token', suppressed_since_last: 999 },
    });
  });

  test('records who a revoked token belonged to, but nothing from unverified tokens, and not missing tokens', () => {
    const emitted: EventInput[] = [];
    const events = new RejectionEvents({ events: { emit: (e) => emitted.push(e) as never } });
    events.record(BearerError.missingToken(), origin);
    events.record(BearerError.rejected('malformed'), origin);
    const token = {
      userId: 'u1',
      clientId: 'c1',
      grantId: 'g1',
      scopes: [],
      tokenId: 'j',
      issuedAt: 0,
      expiresAt: 0,
      keyId: 'k',
    };
    events.record(BearerError.rejected('revoked', token), origin);
    expect(emitted).toHaveLength(2);
    expect(emitted[0]).toMatchObject({ reason: 'malformed', actor: undefined, grantId: undefined });
    expect(emitted[1]).toMatchObject({
      reason: 'revoked',
      actor: { userId: 'u1' },
      clientId: 'c1',
      grantId: 'g1',
    });
  });
});
