import { type Host, mountWidget } from './shared/app.ts';
import { h, ICONS, icon } from './shared/dom.ts';

interface Connection {
  login: string;
  name: string | null;
  html_url: string;
  scopes: string[];
  token_expires_at: string;
  masked_upstream_token: string;
  upstream_token_expires_at: string | null;
}

const SCOPE_TITLES: Record<string, string> = {
  'repos:read': 'See your repositories',
  'issues:read': 'Read issues and pull requests',
  'issues:write': 'Open issues',
  'pulls:write': 'Open pull requests',
};

function time(iso: string | null): string {
  if (!iso) return 'does not expire';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function render(output: unknown, host: Host): Node {
  const data = output as Connection;
  const profile = h('a', { class: 'link', href: data.html_url }, `@${data.login}`);
  profile.addEventListener('click', (event) => {
    event.preventDefault();
    host.openLink(data.html_url);
  });
  const initials = (data.name || data.login).slice(0, 1).toUpperCase();
  return h(
    'section',
    { class: 'card', 'aria-label': 'GitHub connection' },
    h(
      'div',
      { class: 'row profile' },
      h('div', { class: 'avatar', 'aria-hidden': 'true' }, initials),
      h(
        'div',
        {},
        h('h3', { class: 'title' }, data.name || data.login),
        h('div', { class: 'muted' }, 'Connected to GitHub as ', profile),
      ),
      h('span', { class: 'badge state-open push-right' }, icon(ICONS.check), 'Connected'),
    ),
    h(
      'div',
      { class: 'row' },
      h('div', { class: 'small muted' }, 'This app may'),
      h(
        'ul',
        { class: 'scopes', 'data-field': 'scopes' },
        ...data.scopes.map((scope) =>
          h('li', { 'data-scope': scope }, icon(ICONS.check), SCOPE_TITLES[scope] ?? scope),
        ),
      ),
    ),
    h(
      'footer',
      { class: 'footer meta flush' },
      h(
        'span',
        {},
        icon(ICONS.key),
        'GitHub token ',
        h('code', { 'data-field': 'masked-token' }, data.masked_upstream_token),
      ),
      h('span', { 'data-field': 'expires' }, `Access token valid until ${time(data.token_expires_at)}`),
    ),
  );
}

mountWidget(render, 'Checking your GitHub connection…');
