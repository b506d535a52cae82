import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The widgets (ChatGPT / MCP Apps UI resources) and what each shows. */
export const WIDGETS = {
  repositories: {
    title: 'Repositories',
    description: 'A list of GitHub repositories with visibility, language, last update and open issues.',
  },
  issues: {
    title: 'Issues',
    description: 'A list of GitHub issues and pull requests with state, labels and assignees.',
  },
  created: {
    title: 'Created on GitHub',
    description: 'A card for an issue or pull request that was just created, with a link to it.',
  },
  connect: {
    title: 'GitHub connection',
    description: 'The GitHub account this app acts as, its access, and a prompt to reconnect or grant more.',
  },
} as const;

export type WidgetName = keyof typeof WIDGETS;

export const WIDGET_NAMES = Object.keys(WIDGETS) as WidgetName[];

/** MCP Apps (SEP-1865) UI resource, the form current hosts (ChatGPT included) read. */
export const MCP_APP_MIME_TYPE = 'text/html;profile=mcp-app';
/** The Apps SDK's original type, for hosts that only know `openai/outputTemplate`. */
export const SKYBRIDGE_MIME_TYPE = 'text/html+skybridge';

export function widgetUri(name: WidgetName): string {
  return `ui://gatehouse/${name}.html`;
}

export function skybridgeUri(name: WidgetName): string {
  return `ui://gatehouse/${name}.skybridge.html`;
}

/** Where `widgets/build.ts` writes the self-contained HTML files. */
export const WIDGETS_DIST = new URL('../../../widgets/dist/', import.meta.url).pathname;

/**
 * Reads the built widgets once, at start. A missing file stops the gateway with the command that
 * builds them, rather than serving tools whose UI cannot load.
 */
export async function loadWidgets(dir: string = WIDGETS_DIST): Promise<ReadonlyMap<WidgetName, string>> {
  const html = new Map<WidgetName, string>();
  const missing: string[] = [];
  for (const name of WIDGET_NAMES) {
    const path = join(dir, `${name}.html`);
    try {
      html.set(name, await readFile(path, 'utf8'));
    } catch {
      missing.push(path);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `widgets not built (missing ${missing.join(', ')}); run: node services/mcp-gateway/widgets/build.ts`,
    );
  }
  return html;
}
