/**
 * Algorithms the token service accepts on `private_key_jwt` client assertions (RFC 7523 §3), and
 * so the ones the gateway's metadata advertises: asymmetric only, since a shared-secret (HS*)
 * assertion would need a client secret the server never keeps. One list, so the two cannot drift.
 */
export const CLIENT_ASSERTION_ALGORITHMS: readonly string[] = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
  'Ed25519',
];
