/**
 * /docs: the API reference, rendered in a real Chromium from files the gateway serves, with
 * every request the page makes staying on this machine's gateway.
 */
import { describe, expect, it } from 'vitest';
import { launchBrowser, watchPage } from '../helpers/browser.js';
import { startGateway } from '../helpers/gateway.js';

describe('/docs', () => {
  it("renders every operation of the gateway's own OpenAPI document, tries one against the same gateway, and asks nothing of any other host", async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 'docs-topic' });
    const spec = (await gw.json('GET', '/openapi.json')).body;
    const operationIds: string[] = Object.values(spec.paths).flatMap((ops: any) => Object.values(ops).map((op: any) => op.operationId));
    expect(operationIds.length).toBeGreaterThan(20);

    const browser = await launchBrowser();
    const page = await browser.newPage();
    const seen = watchPage(page);
    await page.goto(`${gw.url}/docs/`);
    await page.waitForSelector('.opblock');
    const rendered = await page.$$eval('.opblock', (blocks) => blocks.map((b) => b.id));
    // Swagger UI names each block operations-<tag>-<operationId>.
    for (const id of operationIds) expect(rendered.some((r) => r.endsWith(`-${id}`))).toBe(true);
    expect(rendered).toHaveLength(operationIds.length);

    // "Try it out" on listTopics: the call goes to this gateway and its answer is shown.
    const block = page.locator('[id$="-listTopics"]');
    await block.locator('.opblock-summary').click();
    await block.getByRole('button', { name: 'Try it out' }).click();
    await block.getByRole('button', { name: 'Execute' }).click();
    await block.locator('.live-responses-table tr.response .response-col_status').first().waitFor();
    expect((await block.locator('.live-responses-table tr.response .response-col_status').first().innerText()).trim()).toBe('200');
    expect(await block.locator('.live-responses-table tr.response .response-col_description').first().innerText()).toContain('docs-topic');

    expect(seen.requests).toContain(`${gw.url}/v1/topics`);
    const hosts = new Set(seen.requests.map((u) => new URL(u).host));
    expect([...hosts]).toEqual([`127.0.0.1:${gw.port}`]);
    expect(seen.errors).toEqual([]);
    expect(seen.failedAssets).toEqual([]);
  });
});
