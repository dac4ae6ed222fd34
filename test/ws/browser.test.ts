/**
 * A real browser: Debian's headless Chromium (driven by playwright-core, no browser
 * download) loads a page served by this test, which subscribes with the browser's own
 * WebSocket exactly as the README shows. Records produced over REST must reach the page.
 * The browser is CHROMIUM_PATH, else /usr/bin/chromium; if it is missing this fails loudly
 * (npm test installs it first when it can: test/prerequisites.sh), it never skips.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { startGateway } from '../helpers/gateway.js';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>logway browser test</title>
<script>
  window.received = [];
  window.messages = [];
  window.opened = new Promise((resolve) => {
    const params = new URLSearchParams(location.search);
    const ws = new WebSocket(params.get('ws'));
    window.socket = ws;
    ws.onopen = () => resolve(ws.protocol);
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      window.messages.push(msg);
      if (msg.type === "records") window.received.push(...msg.records);
    };
    ws.onclose = (e) => { window.closeEvent = { code: e.code, reason: e.reason }; };
  });
</script>`;


/** Serves the test page from its own origin (a page from another origin is what browsers really do). */
async function servePage(): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('browser', () => {
  it("a page's own WebSocket receives records produced over REST, and produces over the socket", async () => {
    // WebSocket handshakes from a page are accepted only from listed origins (corsOrigins).
    const pageUrl = await servePage();
    const gw = await startGateway({ corsOrigins: new URL(pageUrl).origin });
    expect((await gw.json('POST', '/v1/topics', { name: 'orders', partitions: 2 })).status).toBe(201);
    const before = [
      { key: 'customer-1', value: { total: 42 }, headers: { source: 'checkout' } },
      { value: 'plain text', partition: 1 },
    ];
    expect((await gw.json('POST', '/v1/topics/orders/records', { records: before })).status).toBe(200);

    const browser = await launchBrowser();
    const page = await browser.newPage();
    const wsUrl = `${gw.url.replace('http', 'ws')}/v1/topics/orders/ws?from=earliest`;
    await page.goto(`${pageUrl}?ws=${encodeURIComponent(wsUrl)}`);
    await page.evaluate(() => (window as any).opened);
    await page.waitForFunction(() => (window as any).received.length === 2);

    // Live: produced over REST after the page subscribed.
    const live = Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, value: { i } }));
    expect((await gw.json('POST', '/v1/topics/orders/records', { records: live })).status).toBe(200);
    await page.waitForFunction(() => (window as any).received.length === 27);

    // The same socket produces, and its ack carries the offsets.
    await page.evaluate(() =>
      (window as any).socket.send(JSON.stringify({ type: 'produce', id: 'from-browser', topic: 'orders', records: [{ value: { hello: 'from chromium' }, partition: 0 }] })),
    );
    await page.waitForFunction(() => (window as any).received.length === 28);

    const messages: any[] = await page.evaluate(() => (window as any).messages);
    const received: any[] = await page.evaluate(() => (window as any).received);
    expect(messages[0]).toEqual({
      type: 'subscribed',
      topic: 'orders',
      cursor: expect.any(String),
      partitions: [
        { partition: 0, offset: 0 },
        { partition: 1, offset: 0 },
      ],
    });
    const ack = messages.find((m) => m.type === 'ack');
    expect(ack).toMatchObject({ id: 'from-browser', topic: 'orders', records: [{ partition: 0, offset: expect.any(Number) }] });
    expect(received.find((r) => r.key === 'customer-1')).toEqual({
      topic: 'orders',
      partition: expect.any(Number),
      offset: expect.any(Number),
      timestamp: expect.any(Number),
      key: 'customer-1',
      value: { total: 42 },
      headers: { source: 'checkout' },
    });
    expect(received.find((r) => r.value === 'plain text')).toMatchObject({ partition: 1, key: null, headers: {} });
    expect(received.map((r) => r.value.i).filter((i) => i !== undefined).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
    expect(received.at(-1)).toMatchObject({ partition: 0, offset: ack.records[0].offset, value: { hello: 'from chromium' } });
    // Per partition: offsets in order, no gap, no duplicate.
    for (const p of [0, 1]) {
      const offsets = received.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('an unknown topic reaches the page as an error message and close code 4404', async () => {
    const pageUrl = await servePage();
    const gw = await startGateway({ corsOrigins: new URL(pageUrl).origin });
    const browser = await launchBrowser();
    const page = await browser.newPage();
    const wsUrl = `${gw.url.replace('http', 'ws')}/v1/topics/missing/ws`;
    await page.goto(`${pageUrl}?ws=${encodeURIComponent(wsUrl)}`);
    await page.waitForFunction(() => (window as any).closeEvent !== undefined);
    expect(await page.evaluate(() => (window as any).closeEvent)).toEqual({ code: 4404, reason: "topic 'missing' does not exist" });
    expect(await page.evaluate(() => (window as any).messages)).toEqual([
      { type: 'error', code: 'TOPIC_NOT_FOUND', message: "topic 'missing' does not exist", topic: 'missing' },
    ]);
  });

  it('with authentication on: a page on an allowed origin subscribes with a scoped token in the URL and calls REST through CORS; another origin is refused', async () => {
    const pageUrl = await servePage();
    const adminKey = 'browser-admin-key-0123456789';
    const gw = await startGateway({ adminKey, corsOrigins: new URL(pageUrl).origin });
    const admin = { authorization: `Bearer ${adminKey}` };
    await gw.json('POST', '/v1/topics', { name: 'orders' }, admin);
    // What a web backend does: mint a short-lived token for the browser with only what the page needs.
    const { token } = (
      await gw.json('POST', '/v1/tokens', { permissions: [{ resource: 'topic:orders', actions: ['read', 'write'] }], ttlSeconds: 300 }, admin)
    ).body;

    const browser = await launchBrowser();
    const page = await browser.newPage();
    const wsUrl = `${gw.url.replace('http', 'ws')}/v1/topics/orders/ws?from=earliest&access_token=${token}`;
    await page.goto(`${pageUrl}?ws=${encodeURIComponent(wsUrl)}`);
    await page.evaluate(() => (window as any).opened);

    // REST from the page: a preflighted POST with Authorization, and a header read through Expose-Headers.
    const produced = await page.evaluate(
      async ({ url, token }) => {
        const init = {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'page-1' },
          body: JSON.stringify({ records: [{ value: 'from the page' }] }),
        };
        await fetch(url, init);
        const again = await fetch(url, init);
        return { status: again.status, replayed: again.headers.get('idempotent-replayed') };
      },
      { url: `${gw.url}/v1/topics/orders/records`, token },
    );
    expect(produced).toEqual({ status: 200, replayed: 'true' });
    await page.waitForFunction(() => (window as any).received.length === 1);
    expect(await page.evaluate(() => (window as any).received[0].value)).toBe('from the page');

    // The same page served from another origin (localhost is not 127.0.0.1 to a browser) is refused.
    const elsewhere = await browser.newPage();
    await elsewhere.goto(`${pageUrl.replace('127.0.0.1', 'localhost')}?ws=${encodeURIComponent(wsUrl)}`);
    await elsewhere.waitForFunction(() => (window as any).closeEvent !== undefined);
    expect(await elsewhere.evaluate(() => (window as any).closeEvent.code)).toBe(1006); // the handshake was refused
    const refusedRest = await elsewhere.evaluate(async (url) => {
      try {
        await fetch(url, { headers: { authorization: 'Bearer x' } });
        return 'allowed';
      } catch {
        return 'blocked by CORS';
      }
    }, `${gw.url}/v1/topics`);
    expect(refusedRest).toBe('blocked by CORS');
  });
});
