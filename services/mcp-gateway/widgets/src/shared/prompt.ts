import type { Host } from './bridge.ts';
import { h, ICONS, icon } from './dom.ts';

/** What the gateway puts in a failed tool result's `_meta["gatehouse/error"]`. */
export interface WidgetError {
  code: string;
  message?: string;
  /** For insufficient_scope: the scopes to add, with their consent-screen titles. */
  missing?: Array<{ scope: string; title: string }>;
}

/**
 * The connect prompt: shown when a call failed because access is missing (the host is already
 * re-running the authorization from the result's challenge) or for any other failure, with what
 * the user can do about it.
 */
export function connectPrompt(error: WidgetError, host: Host): HTMLElement {
  if (error.code === 'insufficient_scope') {
    return h(
      'section',
      { class: 'card prompt', 'data-state': 'insufficient_scope' },
      h('div', { class: 'prompt-icon' }, icon(ICONS.key)),
      h('h2', {}, 'More access needed'),
      h('p', { class: 'muted' }, 'To do this, Gatehouse needs your permission to:'),
      h(
        'ul',
        { class: 'scopes' },
        ...(error.missing ?? []).map((m) => h('li', {}, icon(ICONS.check), m.title)),
      ),
      h('p', { class: 'muted small' }, 'Approve the request in the sign-in window, then ask again.'),
    );
  }
  if (error.code === 'reconnect_required') {
    const button = h('button', { class: 'button primary', type: 'button' }, 'Reconnect GitHub');
    button.addEventListener('click', () => void host.sendMessage('Reconnect my GitHub account.'));
    return h(
      'section',
      { class: 'card prompt', 'data-state': 'reconnect_required' },
      h('div', { class: 'prompt-icon' }, icon(ICONS.alert)),
      h('h2', {}, 'Reconnect GitHub'),
      h(
        'p',
        { class: 'muted' },
        'GitHub no longer accepts this connection. Sign in with GitHub again to continue.',
      ),
      button,
    );
  }
  return h(
    'section',
    { class: 'card prompt', 'data-state': 'error' },
    h('div', { class: 'prompt-icon' }, icon(ICONS.alert)),
    h('h2', {}, 'That did not work'),
    h('p', { class: 'muted' }, error.message ?? 'GitHub could not complete the request.'),
  );
}
