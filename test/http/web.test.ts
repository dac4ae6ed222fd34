/**
 * The console and the API reference as files: served from dist/web (built by the tests' global
 * setup, as `npm run build` does), public, cacheable, off with a setting, and a clear page when
 * they were never built.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT } from '../../src/http/web.js';
import { startGateway, tempDir } from '../helpers/gateway.js';

/** The names the built pages load (their <script src> and <link href>). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^":]+)"/g)].map((m) => m[1]!);
}

describe('web console and API reference files', () => {
  it('serves each page with a strict content security policy and its hashed assets as immutable', async () => {
    const gw = await startGateway();
    for (const site of ['console', 'docs']) {
      const redirect = await gw.api(`/${site}`, { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe(`/${site}/`);

      const res = await gw.api(`/${site}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
      const html = await res.text();
      expect(html).toBe(fs.readFileSync(path.join(DEFAULT_WEB_ROOT, site, 'index.html'), 'utf8'));

      const assets = assetsOf(html);
      expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
      for (const asset of assets) {
        const file = await gw.api(`/${site}/${asset}`);
        expect(file.status).toBe(200);
        expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(file.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
        expect(Buffer.from(await file.arrayBuffer()).equals(fs.readFileSync(path.join(DEFAULT_WEB_ROOT, site, asset)))).toBe(true);
      }

      // Revalidation: the same ETag answers 304 with no body.
      const again = await gw.api(`/${site}/`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    expect((await gw.api('/console/nothing-here.js')).status).toBe(404);
    expect((await gw.api('/console/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await gw.api('/console/.hidden')).status).toBe(404);
  });

  it('needs no credential when authentication is on (the pages hold no data), while the API still does', async () => {
    const gw = await startGateway({ adminKey: 'web-admin-key-0123456789' });
    expect((await gw.api('/console/')).status).toBe(200);
    expect((await gw.api('/docs/')).status).toBe(200);
    expect((await gw.api('/v1/topics')).status).toBe(401);
  });

  it('serves neither page when the console setting is false', async () => {
    const gw = await startGateway({ console: false });
    for (const p of ['/console/', '/docs/', '/console']) {
      const res = await gw.api(p, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await gw.api('/v1/topics')).status).toBe(200);
  });

  it('answers a page saying how to build them, not an error, when the gateway runs from an unbuilt tree', async () => {
    const webRoot = path.join(tempDir(), 'no-web');
    const gw = await startGateway({}, { webRoot });
    for (const site of ['console', 'docs']) {
      const res = await gw.api(`/${site}/`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('npm run build');
    }
    expect((await gw.api('/v1/topics')).status).toBe(200);
  });
});
