import { decodeJwt } from 'jose';
import type { Parameters } from '../../http/parameters.ts';

/**
 * The client id a token-endpoint request claims, before the token service authenticates it:
 * `client_id`, else the Basic user name (RFC 6749 §2.3.1: form-urlencoded, then base64), else
 * the `sub` of a private_key_jwt assertion (RFC 7523 §3). Used only to key the per-client rate
 * limit, never to authorize anything, so no signature is checked here.
 */
export function claimedClientId(params: Parameters, authorization: string): string | undefined {
  if (params.client_id) return params.client_id;
  const basic = /^basic\s+(\S+)$/i.exec(authorization)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return formDecode(decoded.slice(0, colon));
  }
  if (params.client_assertion) {
    try {
      const { sub, iss } = decodeJwt(params.client_assertion);
      return sub ?? iss;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
