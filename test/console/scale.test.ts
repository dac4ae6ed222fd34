/**
 * The console with thousands of topics and a topic with thousands of partitions, in a real Chromium:
 * each refresh asks for the visible page only, so the requests a refresh makes and their sizes stay
 * bounded by the page, not by the number of topics or partitions. Counts and bytes are asserted, never time.
 */
import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchBrowser, watchPage } from '../helpers/browser.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';

const TOPICS = 3_000;
const PARTITIONS = 5_000;
/** A page of 50 topics' totals, or 100 partitions' bounds: a few hundred bytes each. */
const PAGE_BYTES = 32 * 1024;

/** Every API call the page makes (fetch/XHR under /v1/), with the size of its answer. */
function watchApi(page: Page): { path: string; bytes: number }[] {
  const calls: { path: string; bytes: number }[] = [];
  page.on('response', (r: Response) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/v1/') || !['fetch', 'xhr'].includes(r.request().resourceType())) return;
    void r.body().then(
      (body) => calls.push({ path: url.pathname + url.search, bytes: body.length }),
      () => calls.push({ path: url.pathname + url.search, bytes: -1 }),
    );
  });
  return calls;
}

async function createTopics(gw: RunningGateway, names: string[]): Promise<void> {
  // A few at a time: thousands of creates through the API, as a user would make them.
  for (let i = 0; i < names.length; i += 25) {
    const statuses = await Promise.all(names.slice(i, i + 25).map(async (name) => (await gw.json('POST', '/v1/topics', { name, partitions: 2 })).status));
    expect(statuses.every((s) => s === 201)).toBe(true);
  }
}

/** The calls made after `mark`, once at least `n` of them match `pattern` (the page has refreshed n times). */
async function callsAfter(calls: { path: string; bytes: number }[], mark: number, pattern: RegExp, n: number) {
  await expect.poll(() => calls.slice(mark).filter((c) => pattern.test(c.path)).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(n);
  return calls.slice(mark);
}

describe('console at scale', () => {
  it('pages 3,000 topics and 5,000 partitions, polling only the visible page: requests and their sizes per refresh stay bounded', { timeout: 600_000 }, async () => {
    const gw = await startGateway();
    const names = Array.from({ length: TOPICS }, (_, i) => `topic-${String(i).padStart(4, '0')}`);
    await createTopics(gw, names);
    expect((await gw.json('POST', '/v1/topics', { name: 'wide', partitions: PARTITIONS })).status).toBe(201);
    await gw.json('POST', '/v1/topics/topic-0000/records', { records: [{ key: 'k', value: 'abc', partition: 0 }] });
    await gw.json('POST', '/v1/topics/wide/records', { records: [{ value: 'abc', partition: 4_321 }] });

    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    const seen = watchPage(page);
    const calls = watchApi(page);
    await page.goto(`${gw.url}/console/`);
    const topicRows = page.getByRole('table', { name: 'topics' }).getByRole('row');
    await expect.poll(() => topicRows.count(), { timeout: 60_000 }).toBe(1 + 50);
    await page.getByText(`1–50 of ${(TOPICS + 1).toLocaleString('en-US')}`).waitFor();
    // The size column: key "k" (1 byte) + value "abc" as JSON text (5 bytes).
    expect(await topicRows.nth(1).innerText()).toContain('6 B');

    // Three refreshes of the list: each is one call for the visible page, of a page's size.
    let mark = calls.length;
    let after = await callsAfter(calls, mark, /^\/v1\/topics\?/, 3);
    for (const call of after) {
      expect(call.path).toMatch(/^\/v1\/topics\?limit=50&partitionOffsets=false$/);
      expect(call.bytes).toBeGreaterThan(0);
      expect(call.bytes).toBeLessThan(PAGE_BYTES);
    }

    // The next page is the next 50 names, asked for by cursor.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`51–100 of ${(TOPICS + 1).toLocaleString('en-US')}`).waitFor();
    await page.getByRole('link', { name: 'topic-0050' }).waitFor();
    expect(await page.getByRole('link', { name: 'topic-0049' }).count()).toBe(0);
    mark = calls.length;
    after = await callsAfter(calls, mark, /cursor=topic-0049/, 2);
    for (const call of after) {
      expect(call.path).toMatch(/^\/v1\/topics\?limit=50&partitionOffsets=false&cursor=topic-0049$/);
      expect(call.bytes).toBeLessThan(PAGE_BYTES);
    }

    // The filter is the gateway's: the total is the matches'.
    await page.getByLabel('Filter topics').fill('topic-29');
    await page.getByText('1–50 of 100').waitFor();
    await page.getByRole('link', { name: 'topic-2900' }).waitFor();

    // A topic with 5,000 partitions: the summary without bounds, and 100 partitions at a time.
    await page.goto(`${gw.url}/console/#/topics/wide`);
    await page.getByRole('heading', { name: 'wide', level: 1 }).waitFor();
    const partitionRows = page.getByRole('table', { name: 'partitions' }).getByRole('row');
    await expect.poll(() => partitionRows.count(), { timeout: 60_000 }).toBe(1 + 100);
    await page.getByText('0–99 of 5,000').waitFor();
    mark = calls.length;
    after = await callsAfter(calls, mark, /^\/v1\/topics\/wide\/partitions\?/, 3);
    for (const call of after) {
      expect(call.path).toMatch(/^\/v1\/topics\/wide(\?partitionOffsets=false|\/partitions\?from=0&limit=100)$/);
      expect(call.bytes).toBeLessThan(PAGE_BYTES);
    }
    // Between two refreshes of the partitions, one of the topic: nothing else is asked for.
    expect(after.filter((c) => c.path.startsWith('/v1/topics/wide?')).length).toBeLessThanOrEqual(after.filter((c) => c.path.includes('/partitions?')).length + 1);

    // Page 44 holds partition 4,321 and its record.
    for (let i = 0; i < 43; i++) {
      await page.getByRole('navigation', { name: 'partition pages' }).getByRole('button', { name: 'Next' }).click();
      await page.getByText(`${((i + 1) * 100).toLocaleString('en-US')}–`).first().waitFor();
    }
    const row = page.getByRole('row', { name: /^4321 / });
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toMatch(/4321\s+0\s+1\s+1\s+5 B/);
    expect(calls.filter((c) => c.path.includes('/partitions?')).every((c) => c.bytes < PAGE_BYTES)).toBe(true);

    expect(seen.errors).toEqual([]);
    expect(seen.failedAssets).toEqual([]);
  });
});
