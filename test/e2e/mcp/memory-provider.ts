import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/** Where the client would receive the authorization response (Inspector's callback). */
export const REDIRECT_URI = 'http://127.0.0.1:6274/oauth/callback';

/** The client side of the SDK's auth(), kept in memory; the browser step is handed to the test. */
export class MemoryProvider implements OAuthClientProvider {
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  #authorizationUrl: URL | undefined;

  get redirectUrl() {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP end-to-end client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() {
    return 'e2e-state';
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(client: OAuthClientInformationMixed) {
    this.#client = client;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  /** Step-up: drop the tokens so the next auth() starts a new authorization instead of refreshing. */
  forgetTokens() {
    this.#tokens = undefined;
  }
  redirectToAuthorization(url: URL) {
    this.#authorizationUrl = url;
  }
  takeAuthorizationUrl(): URL {
    const url = this.#authorizationUrl;
    if (!url) throw new Error('the client was not sent to authorize');
    this.#authorizationUrl = undefined;
    return url;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
}
