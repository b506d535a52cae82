import { type Host, mountWidget } from './shared/app.ts';
import { h, ICONS, icon } from './shared/dom.ts';
import { relativeTime } from './shared/format.ts';

interface Created {
  repository: string;
  number: number;
  title: string;
  state: string;
  html_url: string;
  created_at: string | null;
  labels?: string[];
  assignees?: string[];
  draft?: boolean;
  head?: string;
  base?: string;
}

function render(output: unknown, host: Host): Node {
  const data = output as { kind?: 'issue' | 'pull_request'; issue?: Created; pull_request?: Created };
  const pull = data.kind === 'pull_request';
  const item = pull ? data.pull_request : data.issue;
  if (!item) return h('p', { class: 'placeholder' }, 'Nothing was created.');
  const open = h(
    'button',
    { class: 'button primary', type: 'button', 'data-action': 'open' },
    icon(ICONS.external),
    'Open on GitHub',
  );
  open.addEventListener('click', () => host.openLink(item.html_url));
  const kind = pull ? (item.draft ? 'Draft pull request' : 'Pull request') : 'Issue';
  return h(
    'section',
    { class: 'card', 'data-kind': data.kind ?? 'issue', 'aria-label': `${kind} created` },
    h(
      'header',
      { class: 'card-header' },
      h(
        'span',
        { class: pull && item.draft ? 'state-draft' : 'state-open' },
        icon(pull ? ICONS.pull : ICONS.issue),
      ),
      `${kind} created`,
      h('span', { class: 'count' }, `· ${item.repository}`),
    ),
    h(
      'div',
      { class: 'row' },
      h('h3', { class: 'title' }, item.title, ' ', h('span', { class: 'muted number' }, `#${item.number}`)),
      h(
        'div',
        { class: 'meta' },
        pull &&
          item.head &&
          item.base &&
          h('span', { 'data-field': 'branches' }, h('code', {}, item.head), ' → ', h('code', {}, item.base)),
        item.labels &&
          item.labels.length > 0 &&
          h('span', { class: 'labels' }, ...item.labels.map((l) => h('span', { class: 'label' }, l))),
        item.assignees &&
          item.assignees.length > 0 &&
          h('span', {}, `assigned to ${item.assignees.join(', ')}`),
        item.created_at && h('span', { title: item.created_at }, `created ${relativeTime(item.created_at)}`),
      ),
      h('div', { class: 'actions spaced' }, open),
    ),
  );
}

mountWidget(render, 'Creating…');
