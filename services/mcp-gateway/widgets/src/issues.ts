import { type Host, mountWidget } from './shared/app.ts';
import { h, ICONS, icon } from './shared/dom.ts';
import { relativeTime } from './shared/format.ts';

interface Issue {
  repository: string;
  number: number;
  title: string;
  state: string;
  is_pull_request: boolean;
  author: string;
  labels: string[];
  assignees: string[];
  comments: number;
  html_url: string;
  updated_at: string | null;
  created_at: string | null;
}

function stateIcon(issue: Issue): SVGSVGElement {
  if (issue.is_pull_request)
    return icon(ICONS.pull, issue.state === 'open' ? 'Open pull request' : 'Closed pull request');
  return issue.state === 'open' ? icon(ICONS.issue, 'Open issue') : icon(ICONS.issueClosed, 'Closed issue');
}

function issueRow(issue: Issue, host: Host, showRepository: boolean): HTMLElement {
  const title = h('a', { href: issue.html_url }, issue.title);
  title.addEventListener('click', (event) => {
    event.preventDefault();
    host.openLink(issue.html_url);
  });
  const when = issue.updated_at ?? issue.created_at;
  return h(
    'li',
    { class: 'row', 'data-number': issue.number },
    h(
      'div',
      { class: 'row-main' },
      h(
        'div',
        { class: 'issue-line' },
        h(
          'span',
          { class: `state-icon ${issue.state === 'open' ? 'state-open' : 'state-closed'}` },
          stateIcon(issue),
        ),
        h(
          'div',
          { class: 'shrink' },
          h(
            'h3',
            { class: 'title' },
            title,
            ' ',
            h('span', { class: 'labels' }, ...issue.labels.map((l) => h('span', { class: 'label' }, l))),
          ),
          h(
            'div',
            { class: 'meta' },
            h('span', {}, `${showRepository ? `${issue.repository}` : ''}#${issue.number}`),
            h('span', {}, `by ${issue.author}`),
            when && h('span', { title: when }, `updated ${relativeTime(when)}`),
            issue.assignees.length > 0 && h('span', {}, `assigned to ${issue.assignees.join(', ')}`),
          ),
        ),
      ),
      issue.comments > 0 &&
        h(
          'span',
          { class: 'meta comments', 'aria-label': `${issue.comments} comments` },
          h('span', {}, icon(ICONS.comment), String(issue.comments)),
        ),
    ),
  );
}

function render(output: unknown, host: Host): Node {
  const data = output as {
    repository?: string;
    query?: string;
    total_count?: number;
    issues?: Issue[];
    next_cursor?: string | null;
  };
  const issues = data.issues ?? [];
  const searching = data.query !== undefined;
  const heading = searching ? `Search: ${data.query}` : `Issues in ${data.repository ?? ''}`;
  return h(
    'section',
    { class: 'card', 'aria-label': heading },
    h(
      'header',
      { class: 'card-header' },
      icon(ICONS.issue),
      h('span', { class: 'heading' }, heading),
      h(
        'span',
        { class: 'count' },
        `· ${searching ? `${data.total_count ?? issues.length} found` : issues.length}`,
      ),
    ),
    issues.length === 0
      ? h('p', { class: 'empty' }, searching ? 'Nothing matches this search.' : 'No issues here.')
      : h('ul', { class: 'list' }, ...issues.map((issue) => issueRow(issue, host, searching))),
    data.next_cursor
      ? h('footer', { class: 'footer' }, 'More results available: ask for the next page.')
      : null,
  );
}

mountWidget(render, 'Loading issues…');
