import { type Host, mountWidget } from './shared/app.ts';
import { h, ICONS, icon } from './shared/dom.ts';
import { compactNumber, languageColor, plural, relativeTime } from './shared/format.ts';

interface Repository {
  full_name: string;
  owner: string;
  name: string;
  description: string | null;
  visibility: string;
  language: string | null;
  open_issues_count: number;
  stargazers_count: number;
  archived: boolean;
  html_url: string;
  updated_at: string | null;
}

interface Issue {
  number: number;
  title: string;
  html_url: string;
}

/** Coloured through the CSSOM, not a style attribute, so a strict style-src still applies. */
function languageDot(language: string): HTMLElement {
  const dot = h('span', { class: 'language-dot' });
  dot.style.backgroundColor = languageColor(language);
  return dot;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Show issues": asks the server's list_issues tool through the host and lists the first few. */
async function showIssues(repository: Repository, host: Host, button: HTMLButtonElement, row: HTMLElement) {
  button.disabled = true;
  button.textContent = 'Loading…';
  row.querySelector('.nested')?.remove();
  let nested: HTMLElement;
  try {
    const result = await host.callTool('list_issues', {
      owner: repository.owner,
      repo: repository.name,
      state: 'open',
      per_page: 5,
    });
    const issues = ((result.structuredContent as { issues?: Issue[] } | undefined)?.issues ?? []).slice(0, 5);
    if (result.isError) {
      const message = result.content?.find((c) => c.type === 'text')?.text ?? 'Could not load issues.';
      nested = h('div', { class: 'nested muted', role: 'status' }, message);
    } else if (issues.length === 0) {
      nested = h('div', { class: 'nested muted', role: 'status' }, 'No open issues.');
    } else {
      nested = h(
        'ul',
        { class: 'nested list', 'aria-label': `Open issues in ${repository.full_name}` },
        ...issues.map((issue) => {
          const link = h('a', { class: 'link', href: issue.html_url, role: 'link' }, issue.title);
          link.addEventListener('click', (event) => {
            event.preventDefault();
            host.openLink(issue.html_url);
          });
          return h('li', {}, h('span', { class: 'number' }, `#${issue.number}`), link);
        }),
      );
    }
  } catch {
    nested = h('div', { class: 'nested muted', role: 'status' }, 'Could not load issues.');
  }
  row.append(nested);
  button.disabled = false;
  button.textContent = 'Show issues';
}

function repositoryRow(repository: Repository, host: Host): HTMLElement {
  const title = h('a', { href: repository.html_url }, repository.full_name);
  title.addEventListener('click', (event) => {
    event.preventDefault();
    host.openLink(repository.html_url);
  });
  const showButton = h(
    'button',
    { class: 'button', type: 'button', 'data-action': 'show-issues' },
    'Show issues',
  );
  const openButton = h(
    'button',
    { class: 'button', type: 'button', 'data-action': 'open' },
    icon(ICONS.external),
    'Open on GitHub',
  );
  openButton.addEventListener('click', () => host.openLink(repository.html_url));
  const row = h(
    'li',
    { class: 'row', 'data-repository': repository.full_name },
    h(
      'div',
      { class: 'row-main' },
      h(
        'div',
        {},
        h(
          'div',
          { class: 'title-line' },
          h(
            'h3',
            { class: 'title' },
            h('span', { class: 'muted' }, icon(repository.visibility === 'public' ? ICONS.repo : ICONS.lock)),
            ' ',
            title,
          ),
          h('span', { class: 'badge', 'data-field': 'visibility' }, capitalize(repository.visibility)),
          repository.archived && h('span', { class: 'badge' }, 'Archived'),
        ),
        repository.description && h('p', { class: 'description' }, repository.description),
        h(
          'div',
          { class: 'meta' },
          repository.language &&
            h('span', { 'data-field': 'language' }, languageDot(repository.language), repository.language),
          h(
            'span',
            { 'data-field': 'stars', title: `${repository.stargazers_count} stars` },
            icon(ICONS.star),
            compactNumber(repository.stargazers_count),
          ),
          h(
            'span',
            { 'data-field': 'open-issues' },
            icon(ICONS.issue),
            plural(repository.open_issues_count, 'open issue'),
          ),
          repository.updated_at &&
            h(
              'span',
              { 'data-field': 'updated', title: repository.updated_at },
              `Updated ${relativeTime(repository.updated_at)}`,
            ),
        ),
      ),
      h('div', { class: 'actions' }, showButton, openButton),
    ),
  );
  showButton.addEventListener('click', () => void showIssues(repository, host, showButton, row));
  return row;
}

function render(output: unknown, host: Host): Node {
  const data = output as {
    repositories?: Repository[];
    repository?: Repository;
    next_cursor?: string | null;
  };
  const repositories = data.repositories ?? (data.repository ? [data.repository] : []);
  return h(
    'section',
    { class: 'card', 'aria-label': 'Repositories' },
    h(
      'header',
      { class: 'card-header' },
      icon(ICONS.repo),
      data.repository ? 'Repository' : 'Repositories',
      !data.repository && h('span', { class: 'count' }, `· ${repositories.length}`),
    ),
    repositories.length === 0
      ? h('p', { class: 'empty' }, 'No repositories found.')
      : h('ul', { class: 'list' }, ...repositories.map((repository) => repositoryRow(repository, host))),
    data.next_cursor
      ? h('footer', { class: 'footer' }, 'More repositories available: ask for the next page.')
      : null,
  );
}

mountWidget(render, 'Loading repositories…');
