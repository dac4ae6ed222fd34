/** CORS (issue 11): an allow-list of origins; preflights answered; readable headers exposed. */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';

describe('CORS', () => {
  it('answers a preflight from a listed origin with the methods and headers, without a credential', async () => {
    const g = await startGateway({ adminKey: 'test-admin-key-0123456789', corsOrigins: 'http://app.example, http://other.example' });
    const res = await g.api('/v1/topics/orders/records', {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('lets a listed origin read the headers clients need, and gives an unlisted origin nothing', async () => {
    const g = await startGateway({ corsOrigins: 'http://app.example' });
    const listed = await g.api('/v1/topics', { headers: { origin: 'http://app.example' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const exposed = listed.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const h of ['idempotent-replayed', 'retry-after', 'location', 'ratelimit', 'ratelimit-policy', 'logway-cursor', 'logway-high-watermark']) expect(exposed).toContain(h);
    const other = await g.api('/v1/topics', { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers at all by default', async () => {
    const g = await startGateway();
    const res = await g.api('/v1/topics', { headers: { origin: 'http://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a list entry that is not an origin at start-up', async () => {
    await expect(startGateway({ corsOrigins: 'app.example' })).rejects.toThrow(/LOGWAY_CORS_ORIGINS|corsOrigins/);
  });
});
