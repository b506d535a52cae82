import type { User } from '../state/model.ts';
import type { OAuthApp } from './apps.ts';
import type { AuthorizationRequest } from './codes.ts';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Seeds, app names and request parameters all end up in the page; every one is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

export interface SignInPage {
  app: OAuthApp;
  request: AuthorizationRequest;
  /** Id of the parked request; the only thing the forms post back besides the choice. */
  requestId: string;
  users: User[];
}

/**
 * Stands in for GitHub's sign-in and "Authorize <app>" screens in one: a button per seeded user
 * (the `login` hint first) and Cancel. Each posts back to /login/oauth/authorize.
 */
export function renderSignInPage({ app, request, requestId, users }: SignInPage): string {
  const hint = request.login?.toLowerCase();
  const ordered = [...users].sort(
    (a, b) => Number(b.login.toLowerCase() === hint) - Number(a.login.toLowerCase() === hint),
  );
  const hidden = `<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">`;
  const accounts = ordered
    .map(
      (user) => `
    <li><form method="post" action="authorize">${hidden}
      <input type="hidden" name="login" value="${escapeHtml(user.login)}">
      <button type="submit">Sign in as <strong>${escapeHtml(user.login)}</strong>${
        user.name ? ` (${escapeHtml(user.name)})` : ''
      }</button>
    </form></li>`,
    )
    .join('');
  const scopes =
    request.scopes.length > 0 ? request.scopes.map(escapeHtml).join(', ') : '(no scopes: public data only)';
  return page(
    `Authorize ${app.name}`,
    `<h1>Authorize <span class="app">${escapeHtml(app.name)}</span></h1>
  <p>${escapeHtml(app.name)} wants access to your GitHub account with scopes: <code>${scopes}</code></p>
  <p>You will be redirected to <code>${escapeHtml(new URL(request.returnTo).origin)}</code>.</p>
  <ul class="accounts">${accounts}
  </ul>
  <form method="post" action="authorize">${hidden}
    <input type="hidden" name="cancel" value="1">
    <button type="submit" class="cancel">Cancel</button>
  </form>`,
  );
}

export function renderErrorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n  <p>${escapeHtml(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(title)} · GitHub emulator</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; color: #1f2328; }
    ul { list-style: none; padding: 0; }
    button { width: 100%; padding: .6rem; margin: .25rem 0; cursor: pointer; }
    .cancel { background: none; border: 1px solid #d0d7de; }
  </style>
</head>
<body>
  ${body}
</body>
</html>
`;
}
