import { BusError } from '@gatehouse/bus';
import type { identity } from '@gatehouse/proto';
import type { Response } from 'express';
import type { ContinueView } from '../../pages/views.ts';
import type { OauthContext } from '../context.ts';
import { setSessionCookie } from './session-cookie.ts';
import { avatarOrigin, consentView, errorView } from './views.ts';

export interface StepOptions {
  /** The step answers a form post (the consent decision) rather than a navigation. */
  afterFormPost?: boolean;
}

/**
 * Carries out what identity decided for the browser: set the session cookie, then redirect,
 * show the consent page, or show an error page. Error pages never redirect: identity chose a
 * page because the client or its redirect URI could not be trusted (RFC 6749 §4.1.2.1).
 */
export function renderAuthorizationStep(
  context: OauthContext,
  res: Response,
  step: identity.AuthorizationStep,
  options: StepOptions = {},
): void {
  if (step.setSession && step.setSession.id !== '') {
    setSessionCookie(res, context.settings, step.setSession.id, step.setSession.maxAgeSeconds);
  }
  const next = step.step;
  switch (next.case) {
    case 'redirectTo':
      if (options.afterFormPost) continuePage(context, res, next.value);
      else redirect(res, next.value);
      return;
    case 'consent': {
      const view = consentView(next.value);
      const origin = avatarOrigin(view.avatarUrl);
      context.pages.render(res, 'consent', view, origin ? { imageOrigins: [origin] } : {});
      return;
    }
    case 'errorPage':
      context.pages.render(res, 'error', errorView(next.value.error, next.value.description), {
        status: 400,
      });
      return;
    default:
      throw new BusError('internal', 'An internal error occurred.', {
        reason: 'identity returned an empty step',
      });
  }
}

/** Set verbatim: identity built the URL (with code, state, iss) and it must reach the client unaltered. */
function redirect(res: Response, url: string): void {
  res.set({
    Location: url,
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Referrer-Policy': 'no-referrer',
  });
  res.status(302).end();
}

const NOT_NAVIGABLE = new Set(['javascript:', 'data:', 'vbscript:', 'blob:', 'file:']);

/**
 * After the consent form the browser goes on to the client through a page that refreshes to it,
 * not a 302: Chromium applies the page's CSP `form-action 'self'` to the redirects that follow a
 * form submission too, and the client's redirect URI is another origin (measured: the 302 is
 * refused with "Sending form data … violates … form-action", see pages-in-browser.test.ts). A
 * meta refresh is a navigation, not a form submission; the link covers browsers that block it.
 */
function continuePage(context: OauthContext, res: Response, url: string): void {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new BusError('internal', 'An internal error occurred.', {
      reason: 'identity redirect is not a URL',
    });
  }
  if (NOT_NAVIGABLE.has(target.protocol)) {
    throw new BusError('internal', 'An internal error occurred.', {
      reason: 'identity redirect scheme refused',
    });
  }
  const view: ContinueView = { url, destination: target.host || target.protocol.replace(/:$/, '') };
  context.pages.render(res, 'continue', view);
}
