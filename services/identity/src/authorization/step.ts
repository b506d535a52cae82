/** The browser's login-session cookie for the gateway to set. */
export interface SessionCookie {
  id: string;
  maxAgeSeconds: number;
}

export interface ConsentPage {
  pendingId: string;
  csrfToken: string;
  clientName: string;
  clientId: string;
  clientUri: string;
  redirectHost: string;
  githubLogin: string;
  avatarUrl: string;
  scopes: { name: string; title: string; description: string }[];
  unverifiedClient: boolean;
}

/** What the gateway does next with the browser (the AuthorizationStep contract). */
export type AuthorizationStep = (
  | { redirectTo: string }
  | { consent: ConsentPage }
  | { errorPage: { error: string; description: string } }
) & { setSession?: SessionCookie };
