import { Host, type Host as HostType, type WidgetState } from './bridge.ts';
import { connectPrompt, type WidgetError } from './prompt.ts';

export type { HostType as Host, WidgetState };

/** `_meta` key under which the gateway describes a failed tool call (see run-tool.ts). */
const ERROR_META_KEY = 'gatehouse/error';

function errorOf(state: WidgetState): WidgetError | null {
  const error = state.meta?.[ERROR_META_KEY];
  return error && typeof error === 'object' ? (error as WidgetError) : null;
}

function applyTheme(state: WidgetState): void {
  const prefersDark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  document.documentElement.dataset.theme = state.theme ?? (prefersDark ? 'dark' : 'light');
}

/**
 * Renders a widget from the host's state, again on every change: the tool's output when there
 * is one, the connect prompt when the call failed for lack of access, a quiet placeholder while
 * the host has not delivered the result yet.
 */
export function mountWidget(render: (output: unknown, host: Host) => Node, placeholder: string): Host {
  const host = new Host();
  const root = document.getElementById('root');
  if (!root) throw new Error('widget page lacks #root');
  const resize = new ResizeObserver(() => host.reportHeight(Math.ceil(document.body.scrollHeight)));
  resize.observe(document.body);
  host.subscribe((state) => {
    applyTheme(state);
    const error = errorOf(state);
    let view: Node;
    if (error) view = connectPrompt(error, host);
    else if (state.output && typeof state.output === 'object') view = render(state.output, host);
    else {
      const waiting = document.createElement('p');
      waiting.className = 'placeholder';
      waiting.textContent = placeholder;
      view = waiting;
    }
    root.replaceChildren(view);
  });
  return host;
}
