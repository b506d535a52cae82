/**
 * What each page shows, already reduced to plain strings: templates format nothing and decide
 * nothing beyond layout. Every value is escaped on output (Eta `autoEscape`).
 */

export interface ScopeView {
  name: string;
  title: string;
  description: string;
}

export interface ConsentView {
  pendingId: string;
  csrfToken: string;
  clientName: string;
  clientId: string;
  redirectHost: string;
  githubLogin: string;
  /** Empty when there is no usable https/http avatar URL. */
  avatarUrl: string;
  scopes: ScopeView[];
  unverifiedClient: boolean;
}

export interface ErrorView {
  title: string;
  description: string;
  code: string;
  /** What the person can do about it. */
  advice: string;
}

export interface GrantView {
  id: string;
  clientName: string;
  redirectHost: string;
  scopes: ScopeView[];
  /** Machine-readable (ISO 8601) and human-readable forms. */
  grantedAt: { iso: string; text: string };
  lastUsed: { iso: string; text: string } | null;
}

export interface AccountView {
  githubLogin: string;
  avatarUrl: string;
  csrfToken: string;
  grants: GrantView[];
  notice: string;
}

export interface SignedOutView {
  notice: string;
}

export interface HomeView {
  resourceName: string;
  resource: string;
  scopes: ScopeView[];
}

/** The page that sends the browser on after a form post (see browser/authorization-step.ts). */
export interface ContinueView {
  url: string;
  /** Where the browser is going, as a person reads it: the host, or the app's URL scheme. */
  destination: string;
}

/** Template name → its view model. */
export interface Views {
  consent: ConsentView;
  error: ErrorView;
  account: AccountView;
  'signed-out': SignedOutView;
  home: HomeView;
  continue: ContinueView;
}
