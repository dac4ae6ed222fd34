/**
 * The README's "Browser client" page, run as written in Chromium: served from its own origin
 * (listed in corsOrigins), with localhost:8080 pointed at a real gateway. The order the page
 * produces itself must appear in its list, through its own subscription.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchBrowser, servePage, watchPage } from '../helpers/browser.js';
import { startGateway } from '../helpers/gateway.js';
import { REPO_ROOT } from '../helpers/process.js';

function examplePage(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Browser client\n');
  expect(start, 'README section "## Browser client"').toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/^```html\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  expect(blocks, 'one html block in the section').toHaveLength(1);
  return blocks[0]!;
}

describe('README browser client page', () => {
  it('subscribes, produces with an acknowledgement, and shows the record it produced', async () => {
    const html = examplePage();
    // The page's origin is known once it is served, and the gateway's port once it listens: serve through a slot.
    let body = '';
    const pageUrl = await servePage(() => body);
    const gw = await startGateway({ corsOrigins: new URL(pageUrl).origin });
    expect((await gw.json('POST', '/v1/topics', { name: 'orders', partitions: 2 })).status).toBe(201);
    body = html.replaceAll('http://localhost:8080', gw.url);
    expect(body).not.toBe(html);

    const browser = await launchBrowser();
    const page = await browser.newPage();
    const seen = watchPage(page);
    await page.goto(pageUrl);
    await page.waitForFunction(() => document.querySelectorAll('#orders li').length === 1, undefined, { timeout: 60_000 });
    expect(await page.locator('#orders li').allTextContents()).toEqual(['{"total":42}']);
    expect(seen.errors).toEqual([]);
    const stored = await gw.json('GET', '/v1/topics/orders/records?from=earliest');
    expect(stored.body.records.map((r: any) => [r.key, r.value])).toEqual([['customer-7', { total: 42 }]]);
  });
});
