// How a widget talks to the host it is rendered in. ChatGPT exposes `window.openai` (Apps SDK);
// MCP Apps hosts (ChatGPT too, Claude, others) speak JSON-RPC over postMessage with the parent
// frame (`ui/*` methods, SEP-1865). The widget prefers `window.openai` when present and falls back
// to the MCP Apps bridge, so the same file works in both.

export interface ToolResult {
  structuredContent?: unknown;
  content?: Array<{ type: string; text?: string }>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

export type Theme = 'light' | 'dark';

export interface WidgetState {
  /** The tool's structuredContent (null until the host delivers it). */
  output: unknown;
  /** The tool result's _meta (errors carry `gatehouse/error`). */
  meta: Record<string, unknown> | null;
  theme: Theme | null;
}

interface OpenAiGlobals {
  toolOutput?: unknown;
  toolResponseMetadata?: Record<string, unknown> | null;
  theme?: Theme;
  callTool?: (name: string, args: Record<string, unknown>) => Promise<ToolResult>;
  openExternal?: (options: { href: string }) => void;
  sendFollowUpMessage?: (options: { prompt: string }) => Promise<void>;
  notifyIntrinsicHeight?: (height: number) => void;
}

declare global {
  interface Window {
    openai?: OpenAiGlobals;
  }
}

const APP_INFO = { name: 'gatehouse-widget', version: '1.0.0' };
const MCP_APPS_PROTOCOL = '2026-01-26';

type Listener = (state: WidgetState) => void;

class McpAppsBridge {
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #onNotification: (method: string, params: unknown) => void;

  constructor(onNotification: (method: string, params: unknown) => void) {
    this.#onNotification = onNotification;
    window.addEventListener('message', (event) => {
      if (event.source !== window.parent) return;
      const message = event.data as {
        id?: number;
        method?: string;
        params?: unknown;
        result?: unknown;
        error?: { message?: string };
      };
      if (!message || typeof message !== 'object') return;
      if (typeof message.id === 'number' && this.#pending.has(message.id) && !message.method) {
        const pending = this.#pending.get(message.id)!;
        this.#pending.delete(message.id);
        if (message.error) pending.reject(new Error(message.error.message ?? 'host error'));
        else pending.resolve(message.result);
        return;
      }
      if (typeof message.method === 'string' && message.id === undefined) {
        this.#onNotification(message.method, message.params);
      }
    });
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      window.parent.postMessage({ jsonrpc: '2.0', id, method, params }, '*');
    });
  }

  notify(method: string, params: unknown): void {
    window.parent.postMessage({ jsonrpc: '2.0', method, params }, '*');
  }
}

/** The widget's connection to its host: current state, updates, and the host's actions. */
export class Host {
  readonly #listeners = new Set<Listener>();
  #state: WidgetState = { output: null, meta: null, theme: null };
  #apps: McpAppsBridge | undefined;

  constructor() {
    const openai = window.openai;
    if (openai) {
      this.#state = {
        output: openai.toolOutput ?? null,
        meta: openai.toolResponseMetadata ?? null,
        theme: openai.theme ?? null,
      };
      window.addEventListener('openai:set_globals', (event) => {
        const globals = (event as CustomEvent<{ globals?: OpenAiGlobals }>).detail?.globals ?? {};
        this.#update({
          ...('toolOutput' in globals ? { output: globals.toolOutput ?? null } : {}),
          ...('toolResponseMetadata' in globals ? { meta: globals.toolResponseMetadata ?? null } : {}),
          ...(globals.theme ? { theme: globals.theme } : {}),
        });
      });
    } else if (window.parent !== window) {
      this.#apps = new McpAppsBridge((method, params) => this.#onAppsNotification(method, params));
      void this.#initializeApps();
    }
  }

  get state(): WidgetState {
    return this.#state;
  }

  /** Calls `listener` now and on every change. */
  subscribe(listener: Listener): void {
    this.#listeners.add(listener);
    listener(this.#state);
  }

  /** Calls a tool of this app's server through the host. */
  async callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    if (window.openai?.callTool) return window.openai.callTool(name, args);
    if (this.#apps) return (await this.#apps.request('tools/call', { name, arguments: args })) as ToolResult;
    throw new Error('This view is not connected to a host.');
  }

  /** Opens an http(s) link outside the sandbox; anything else is ignored. */
  openLink(href: string): void {
    if (!/^https?:\/\//i.test(href)) return;
    if (window.openai?.openExternal) {
      window.openai.openExternal({ href });
      return;
    }
    if (this.#apps) {
      void this.#apps
        .request('ui/open-link', { url: href })
        .catch(() => window.open(href, '_blank', 'noopener'));
      return;
    }
    window.open(href, '_blank', 'noopener');
  }

  /** Posts a message in the conversation as the user (e.g. "Reconnect GitHub"). */
  async sendMessage(text: string): Promise<void> {
    if (window.openai?.sendFollowUpMessage) return window.openai.sendFollowUpMessage({ prompt: text });
    if (this.#apps)
      await this.#apps.request('ui/message', { role: 'user', content: [{ type: 'text', text }] });
  }

  /** Tells the host how tall the content is, so the frame fits it. */
  reportHeight(height: number): void {
    if (window.openai?.notifyIntrinsicHeight) window.openai.notifyIntrinsicHeight(height);
    else this.#apps?.notify('ui/notifications/size-changed', { height });
  }

  async #initializeApps(): Promise<void> {
    try {
      const result = (await this.#apps!.request('ui/initialize', {
        appInfo: APP_INFO,
        appCapabilities: {},
        protocolVersion: MCP_APPS_PROTOCOL,
      })) as { hostContext?: { theme?: Theme } } | undefined;
      if (result?.hostContext?.theme) this.#update({ theme: result.hostContext.theme });
      this.#apps!.notify('ui/notifications/initialized', {});
    } catch {
      // A host that does not answer ui/initialize can still send results.
    }
  }

  #onAppsNotification(method: string, params: unknown): void {
    if (method === 'ui/notifications/tool-result') {
      const result = (params ?? {}) as ToolResult;
      this.#update({ output: result.structuredContent ?? null, meta: result._meta ?? null });
    } else if (method === 'ui/notifications/host-context-changed') {
      const theme = (params as { theme?: Theme } | undefined)?.theme;
      if (theme) this.#update({ theme });
    }
  }

  #update(change: Partial<WidgetState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) listener(this.#state);
  }
}
