import { readFileSync } from 'node:fs';
import { Eta } from 'eta';
import type { RequestHandler, Response } from 'express';
import { setPageHeaders } from '../http/security-headers.ts';
import type { Views } from './views.ts';

const TEMPLATES = new URL('./templates/', import.meta.url).pathname;
const STYLESHEET = new URL('./static/gatehouse.css', import.meta.url).pathname;

/** Where the stylesheet is served; the pages' CSP allows styles from 'self' only. */
export const STYLESHEET_PATH = '/assets/gatehouse.css';

export interface RenderOptions {
  status?: number;
  /** Origins images may load from (the GitHub avatar host). */
  imageOrigins?: readonly string[];
}

export interface Pages {
  render<K extends keyof Views>(res: Response, name: K, view: Views[K], options?: RenderOptions): void;
  /** Serves the stylesheet (GET STYLESHEET_PATH). */
  stylesheet: RequestHandler;
}

/**
 * Server-rendered HTML through Eta with `autoEscape`: every `<%= %>` is HTML-escaped. Templates
 * use raw output (`<%~ %>`) only for the layout's body and includes, which are template output,
 * never data (a test enforces it).
 */
export function createPages(): Pages {
  const eta = new Eta({ views: TEMPLATES, autoEscape: true, cache: true, autoTrim: [false, 'nl'] });
  const css = readFileSync(STYLESHEET, 'utf8');
  return {
    render(res, name, view, options = {}) {
      const html = eta.render(name, { ...view, stylesheet: STYLESHEET_PATH });
      const imageOrigins = options.imageOrigins;
      setPageHeaders(res, imageOrigins ? { imageOrigins } : {});
      res
        .status(options.status ?? 200)
        .type('html')
        .send(html);
    },
    stylesheet(_req, res) {
      res.set('Cache-Control', 'public, max-age=3600').type('css').send(css);
    },
  };
}
