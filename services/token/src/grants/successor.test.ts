import { describe, expect, test } from '@gatehouse/testing';
import { openSuccessor, sealSuccessor } from './successor.ts';

describe('sealed rotation successors', () => {
  const successor = {
    result: {
      accessToken: 'a.b.c',
      tokenType: 'Bearer' as const,
      expiresIn: 900,
      refreshToken: 'next',
      scope: 's',
    },
    expiresAt: 1_000,
  };

  test('opens with the presented refresh token and the same slot', () => {
    const sealed = sealSuccessor(successor, 'presented-token', 'slot');
    expect(openSuccessor(sealed, 'presented-token', 'slot')).toEqual(successor);
  });

  test('does not contain the pair in clear, and cannot be opened without the presented token', () => {
    const sealed = sealSuccessor(successor, 'presented-token', 'slot');
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('next');
    expect(openSuccessor(sealed, 'another-token', 'slot')).toBeUndefined();
    expect(openSuccessor(sealed, 'presented-token', 'another-slot')).toBeUndefined();
    expect(openSuccessor(`${sealed.slice(0, -2)}AA`, 'presented-token', 'slot')).toBeUndefined();
  });
});
