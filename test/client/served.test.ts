/**
 * The browser client as a file: one ES module with no imports (dist/web/client/logway.js, built by
 * the tests' global setup as `npm run build` does), served at /client/logway.js, revalidated with
 * an ETag so a new gateway's client is seen at once, public, served with the console off too, and
 * the target of the package's `logway/client` export.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT } from '../../src/http/web.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { REPO_ROOT } from '../helpers/process.js';

const BUILT = path.join(DEFAULT_WEB_ROOT, 'client', 'logway.js');

describe('/client/logway.js', () => {
  it('is the built module, with a JavaScript content type and an ETag to revalidate', async () => {
    const gw = await startGateway();
    const res = await gw.api('/client/logway.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await res.text();
    expect(body).toBe(fs.readFileSync(BUILT, 'utf8'));
    // One module, nothing to fetch besides it: no import statements, and it exports the API.
    expect(body).not.toMatch(/^\s*import\s/m);
    expect(body).toMatch(/^export \{[^}]*\bLogway\b[^}]*\bLogwayError\b[^}]*\bSubscription\b/m);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect((await gw.api('/client/logway.js', { headers: { 'if-none-match': etag! } })).status).toBe(304);
    expect((await gw.api('/client/other.js')).status).toBe(404);
  });

  it('needs no credential with authentication on, is served with the console off, and to listed origins with CORS', async () => {
    const origin = 'http://app.example';
    const gw = await startGateway({ adminKey: 'client-admin-key-0123456789', console: false, corsOrigins: origin });
    const res = await gw.api('/client/logway.js', { headers: { origin } });
    expect(res.status).toBe(200);
    // A page of another origin imports it as a module, which browsers fetch with CORS.
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect((await gw.api('/console/')).status).toBe(404);
    expect((await gw.api('/v1/topics')).status).toBe(401);
  });

  it('says how to build it when the gateway runs from an unbuilt tree', async () => {
    const gw = await startGateway({}, { webRoot: path.join(tempDir(), 'no-web') });
    const res = await gw.api('/client/logway.js');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('npm run build');
  });

  it('is what the package exports as logway/client', () => {
    const require = createRequire(path.join(REPO_ROOT, 'package.json'));
    expect(require.resolve('logway/client')).toBe(BUILT);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    // Types for TypeScript users, emitted from client/src by `npm run build` (tsc -p client/tsconfig.json).
    expect(pkg.exports['./client'].types).toBe('./dist/client/index.d.ts');
    expect(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'client', 'tsconfig.json'), 'utf8')).compilerOptions.outDir).toBe('../dist/client');
  });
});
