import type { Request } from 'express';
import type { GitHubStore } from '../../state/store.ts';
import type { Viewer } from '../auth.ts';

/** What a serializer needs beyond the object itself: the store, URL bases and the caller. */
export interface RenderContext {
  store: GitHubStore;
  /** REST base: the origin, or origin + /api/v3 when the GHES-style mount was used. */
  api: string;
  /** Web base for html_url: the emulator's origin. */
  web: string;
  /** Login of the authenticated caller, for `permissions`; null when anonymous. */
  viewer: string | null;
}

export function renderContext(req: Request, store: GitHubStore, viewer: Viewer | null): RenderContext {
  const origin = `${req.protocol}://${req.get('host')}`;
  return { store, api: `${origin}${req.baseUrl}`, web: origin, viewer: viewer?.user.login ?? null };
}

/**
 * GitHub's legacy global node ids: base64 of `0<type length>:<type><database id>`, for example
 * `MDQ6VXNlcjU4MzIzMQ==` for User 583231.
 */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}
