/**
 * Routing: every route of the app (API, WebSocket upgrades, registry, static pages) is one that
 * hono's RegExpRouter takes. A pattern it cannot take (e.g. `:name{.*}`, which matches the empty
 * name) silently makes hono's SmartRouter fall back to its TrieRouter for every route, a slower
 * match on every request (issue 9): this says so when it happens.
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';

describe('routing', () => {
  it('matches every request with the RegExpRouter, and still routes each kind of path', async () => {
    const gw = await startGateway();
    expect((await gw.json('POST', '/v1/topics', { name: 'routed' })).status).toBe(201);
    expect((await gw.json('POST', '/v1/topics/routed/records', { records: [{ value: 'a' }] })).status).toBe(200);
    const router = (gw.gateway.app.router as unknown as { activeRouter: { name: string } }).activeRouter;
    expect(router.name).toBe('RegExpRouter');
    // The static pages' names, nested and empty: served, refused or redirected as before.
    expect((await gw.api('/console', { redirect: 'manual' })).status).toBe(301);
    expect((await gw.api('/console/')).status).toBe(200);
    expect((await gw.api('/client/logway.js')).status).toBe(200);
    const nested = await gw.api('/console/a/b.js');
    expect(nested.status).toBe(404);
    expect(nested.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await gw.api('/v1/no-such-thing')).status).toBe(404);
  });
});
