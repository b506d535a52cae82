import type { Scope } from '@gatehouse/proto';
import type { Deadline, Origin } from '../request.ts';

export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: readonly Scope[];
  resource: string;
  userId: string;
  githubLogin: string;
  origin: Origin;
}

/** Port: the token service mints the single-use authorization code after consent. */
export interface CodeIssuer {
  issue(request: CodeRequest, call: Deadline): Promise<string>;
}
