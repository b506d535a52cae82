import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  MCP_APP_MIME_TYPE,
  SKYBRIDGE_MIME_TYPE,
  skybridgeUri,
  WIDGET_NAMES,
  WIDGETS,
  type WidgetName,
  widgetUri,
} from './catalog.ts';

export interface WidgetPolicy {
  /** Origins the widgets may open links to (GitHub's web host). */
  linkOrigins: readonly string[];
}

/**
 * A widget's resource metadata, in both vocabularies. The widgets are self-contained (inline
 * script and style, no fetches, no images from elsewhere), so they ask for no network origins at
 * all; links to GitHub leave through the host (`ui/open-link`, `openai.openExternal`).
 */
export function widgetResourceMeta(name: WidgetName, policy: WidgetPolicy): Record<string, unknown> {
  return {
    ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true },
    'openai/widgetCSP': {
      connect_domains: [],
      resource_domains: [],
      redirect_domains: [...policy.linkOrigins],
    },
    'openai/widgetDescription': WIDGETS[name].description,
    'openai/widgetPrefersBorder': true,
  };
}

/** The `_meta` linking a tool to its widget: MCP Apps `ui.resourceUri`, and the Apps SDK alias. */
export function widgetToolMeta(name: WidgetName): Record<string, unknown> {
  return {
    ui: { resourceUri: widgetUri(name), visibility: ['model', 'app'] },
    'openai/outputTemplate': skybridgeUri(name),
    'openai/widgetAccessible': true,
  };
}

/** Registers every widget twice: as an MCP Apps resource and under the skybridge alias. */
export function registerWidgetResources(
  server: McpServer,
  html: ReadonlyMap<WidgetName, string>,
  policy: WidgetPolicy,
): void {
  for (const name of WIDGET_NAMES) {
    const text = html.get(name) ?? '';
    const _meta = widgetResourceMeta(name, policy);
    for (const [uri, mimeType] of [
      [widgetUri(name), MCP_APP_MIME_TYPE],
      [skybridgeUri(name), SKYBRIDGE_MIME_TYPE],
    ] as const) {
      server.registerResource(
        `${name}${mimeType === SKYBRIDGE_MIME_TYPE ? '-skybridge' : ''}`,
        uri,
        { title: WIDGETS[name].title, description: WIDGETS[name].description, mimeType, _meta },
        async () => ({ contents: [{ uri, mimeType, text, _meta }] }),
      );
    }
  }
}
