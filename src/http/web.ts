/**
 * The web console (/console), the API reference (/docs) and the browser client (/client/logway.js):
 * static files that `npm run build` puts in dist/web (console/build.ts). They are plain clients of
 * the API, so they are public: they hold no data, and every call they make carries the user's own
 * credential. The client is served even with the console off: the user's own pages import it.
 *
 * Files are read on first request and kept in memory (a few MB, only once someone opens a page),
 * so a gateway nobody browses does no work for them. Names with a content hash are cached by
 * browsers for good; the two pages are revalidated (ETag) so a new build is seen at once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';

/** Where `npm run build` writes the pages: root/dist/web, from src/http or dist/http alike. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The sites served, each a flat folder of dist/web. */
export const WEB_SITES = ['console', 'docs', 'client'] as const;
export type WebSite = (typeof WEB_SITES)[number];

/** What each site is first: its page, or for the client its module. */
const MAIN_FILE: Record<WebSite, string> = { console: 'index.html', docs: 'index.html', client: 'logway.js' };

/** Pages may talk to their own gateway only: no CDN, no telemetry, no request leaves it. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

/** A content hash in the name (app-3F2A9C1B.js): the file never changes under that name. */
const HASHED = /-[A-Z0-9]{8}\.\w+$/;
const SAFE_NAME = /^[\w-][\w.-]*$/;

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

export function isWebPath(p: string): boolean {
  return WEB_SITES.some((site) => p === `/${site}` || p.startsWith(`/${site}/`));
}

function notBuiltPage(site: string, root: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Logway: ${site} not built</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The ${site === 'docs' ? 'API reference' : site === 'client' ? 'browser client' : 'console'} is not built</h1>
<p>This gateway runs from a tree where <code>npm run build</code> has not made <code>${path.join(root, site)}</code>.
Run <code>npm run build</code> (or <code>npm run build:console</code>) and reload this page.</p>
<p>The API works without it; its description is at <a href="/openapi.yaml">/openapi.yaml</a>.</p>`;
}

export function webRoutes(root: string = DEFAULT_WEB_ROOT, sites: readonly WebSite[] = WEB_SITES) {
  const app = new Hono();
  const cache = new Map<string, Asset | null>();

  function load(site: string, name: string): Asset | null {
    const key = `${site}/${name}`;
    let asset = cache.get(key);
    if (asset !== undefined) return asset;
    try {
      const body = fs.readFileSync(path.join(root, site, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      asset = { body, etag, type: getMimeType(name) ?? 'application/octet-stream', immutable: HASHED.test(name) };
    } catch {
      asset = null;
    }
    // Misses are not cached: a build made while the gateway runs is picked up.
    if (asset !== null) cache.set(key, asset);
    return asset;
  }

  for (const site of sites) {
    app.get(`/${site}`, (c) => c.redirect(`/${site}/`, 301));
    // `/site/` and `/site/:name{.+}`, not one `:name{.*}`: a pattern that matches the empty name
    // makes hono fall back from its RegExpRouter to the TrieRouter for every route of the app, which
    // costs ~2 us more per request on the API's paths (issue 9).
    const serve = (c: Context) => {
      const requested = c.req.param('name') || MAIN_FILE[site];
      if (!SAFE_NAME.test(requested)) return c.text('not found', 404);
      const asset = load(site, requested);
      if (asset === null) {
        // An unknown name under the site is the page itself only when the site is not built at all.
        if (load(site, MAIN_FILE[site]) === null) {
          return c.html(notBuiltPage(site, root), 404, { 'cache-control': 'no-store' });
        }
        return c.text('not found', 404);
      }
      const headers: Record<string, string> = {
        'content-type': asset.type,
        etag: asset.etag,
        'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      };
      if (asset.type.startsWith('text/html')) {
        headers['content-security-policy'] = CSP;
        headers['referrer-policy'] = 'no-referrer';
      }
      if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
      return c.body(new Uint8Array(asset.body), 200, headers);
    };
    app.get(`/${site}/`, serve);
    app.get(`/${site}/:name{.+}`, serve);
  }
  return app;
}
