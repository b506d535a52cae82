const AUTHORIZE_DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';
const TOKEN_DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

/** GitHub's OAuth error codes with the descriptions and documentation anchors it sends. */
const OAUTH_ERRORS = {
  access_denied: ['The user has denied your application access.', `${AUTHORIZE_DOCS}/#access-denied`],
  redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    `${AUTHORIZE_DOCS}/#redirect-uri-mismatch`,
  ],
  invalid_request: ['code_challenge_method must be S256.', AUTHORIZE_DOCS],
  incorrect_client_credentials: [
    'The client_id and/or client_secret passed are incorrect.',
    `${TOKEN_DOCS}/#incorrect-client-credentials`,
  ],
  token_redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    `${TOKEN_DOCS}/#redirect-uri-mismatch2`,
  ],
  bad_verification_code: ['The code passed is incorrect or expired.', `${TOKEN_DOCS}/#bad-verification-code`],
  bad_refresh_token: [
    'The refresh token passed is incorrect or expired.',
    `${TOKEN_DOCS}/#bad-refresh-token`,
  ],
  unsupported_grant_type: ['The grant type is not supported.', TOKEN_DOCS],
} as const;

export type OAuthErrorKind = keyof typeof OAUTH_ERRORS;

export interface OAuthErrorBody {
  error: string;
  error_description: string;
  error_uri: string;
}

export function oauthError(kind: OAuthErrorKind): OAuthErrorBody {
  const [description, uri] = OAUTH_ERRORS[kind];
  // The token endpoint's mismatch shares the wire code with the authorize endpoint's.
  const error = kind === 'token_redirect_uri_mismatch' ? 'redirect_uri_mismatch' : kind;
  return { error, error_description: description, error_uri: uri };
}
