import { expect } from '@gatehouse/testing';
import type { HttpAnswer } from '../../../bench/harness/oauth-client.ts';

/** RFC 6749 §5.2 error codes, plus RFC 8707 §2 invalid_target and RFC 7591 §3.2.2 registration errors. */
export const OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_token',
  'unsupported_token_type',
  'not_found',
]);

/** An RFC 6749 §5.2 error body with the given status and code. */
export function expectOAuthError(answer: HttpAnswer, status: number, error: string): void {
  expect({ status: answer.status, error: answer.json?.error }).toEqual({ status, error });
  const description = answer.json?.error_description;
  expect(description === undefined || typeof description === 'string').toBe(true);
}
