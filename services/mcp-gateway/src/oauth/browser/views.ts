import type { BusError } from '@gatehouse/bus';
import type { identity } from '@gatehouse/proto';
import type { ConsentView, ErrorView } from '../../pages/views.ts';

/** An avatar is shown only from an absolute http(s) URL; its origin joins the page's img-src. */
export function avatarOrigin(avatarUrl: string): string | undefined {
  try {
    const url = new URL(avatarUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export function consentView(page: identity.ConsentPage): ConsentView {
  return {
    pendingId: page.pendingId,
    csrfToken: page.csrfToken,
    clientName: page.clientName || page.clientId,
    clientId: page.clientId,
    redirectHost: page.redirectHost,
    githubLogin: page.githubLogin,
    avatarUrl: avatarOrigin(page.avatarUrl) ? page.avatarUrl : '',
    scopes: page.scopes.map(({ name, title, description }) => ({ name, title: title || name, description })),
    unverifiedClient: page.unverifiedClient,
  };
}

/** Page titles and advice by error code; the description always comes from the error itself. */
const ERROR_PAGES: Record<string, { title: string; advice: string }> = {
  invalid_request: {
    title: 'This sign-in link is not valid',
    advice: 'Go back to the app you came from and start connecting again.',
  },
  invalid_client: {
    title: 'Unknown app',
    advice: 'The app that sent you here is not known to Gatehouse. Go back to it and check its setup.',
  },
  unauthorized_client: {
    title: 'This app cannot connect',
    advice: 'Go back to the app you came from; its developer needs to check its registration.',
  },
  invalid_redirect_uri: {
    title: 'This app cannot connect',
    advice: 'The app asked to send you to an address it has not registered, so Gatehouse stopped here.',
  },
  access_denied: {
    title: 'Access denied',
    advice: 'Nothing was shared. Go back to the app you came from if you want to try again.',
  },
  invalid_token: {
    title: 'Your request has expired',
    advice: 'Go back to the app and start connecting again.',
  },
  rate_limited: {
    title: 'Too many requests',
    advice: 'Wait a moment, then try again.',
  },
  unavailable: {
    title: 'Gatehouse is temporarily unavailable',
    advice: 'One of its services is not answering right now. Wait a moment, then try again.',
  },
  temporarily_unavailable: {
    title: 'Gatehouse is temporarily unavailable',
    advice: 'Wait a moment, then try again.',
  },
  not_found: { title: 'Not found', advice: 'The page or item you asked for does not exist (any more).' },
  forbidden: {
    title: 'Request refused',
    advice: 'The form was not sent from this site or has expired. Reload the page and try again.',
  },
};

const GENERIC = {
  title: 'Something went wrong',
  advice:
    'Go back to the app you came from and try again. If it keeps happening, contact the operator of this server.',
};

export function errorView(code: string, description: string): ErrorView {
  const page = ERROR_PAGES[code] ?? GENERIC;
  return { title: page.title, advice: page.advice, code, description };
}

/** A 403 `invalid_request` is a refused form (CSRF, cross-site POST): it gets its own wording. */
export function errorViewOf(error: BusError): ErrorView {
  const key = error.httpStatus === 403 && error.code === 'invalid_request' ? 'forbidden' : error.code;
  return { ...errorView(key, error.description), code: error.code };
}
