import { describe, expect, test } from '@gatehouse/testing';
import { isCodeVerifier, isS256Challenge, verifierMatchesChallenge } from './pkce.ts';

describe('PKCE (RFC 7636)', () => {
  // RFC 7636 Appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  test('verifies the RFC 7636 Appendix B example', () => {
    expect(verifierMatchesChallenge(verifier, challenge)).toBe(true);
  });

  test('refuses another verifier, and a plain challenge equal to the verifier', () => {
    expect(verifierMatchesChallenge(`${verifier.slice(0, -1)}A`, challenge)).toBe(false);
    expect(verifierMatchesChallenge(verifier, verifier)).toBe(false);
  });

  test.for([
    [verifier, true],
    ['a'.repeat(43), true],
    ['a'.repeat(128), true],
    ['A-._~z0'.repeat(7), true],
    ['a'.repeat(42), false],
    ['a'.repeat(129), false],
    [`${'a'.repeat(42)}+`, false],
    [`${'a'.repeat(42)}=`, false],
    [`${'a'.repeat(42)} `, false],
  ] as const)('code_verifier %s → %s', ([value, expected]) => {
    expect(isCodeVerifier(value)).toBe(expected);
  });

  test.for([
    [challenge, true],
    ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c', false],
    ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=', false],
    ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM', false],
  ] as const)('S256 challenge %s → %s', ([value, expected]) => {
    expect(isS256Challenge(value)).toBe(expected);
  });
});
