/**
 * The console end to end in a real Chromium against a real gateway, as a person uses it: create a
 * topic, produce from the form and see the record in the live tail, pause the tail while a
 * producer writes 100,000 records (the server holds nothing for the paused tab), resume and get
 * them all, watch a group's lag fall as its consumer commits, reset the group, delete the topic.
 *
 * With LOGWAY_SCREENSHOTS=1 (`npm run docs:screenshots`) it also saves the topic list, the live
 * tail and the group page into docs/.
 */
import http from 'node:http';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchBrowser, watchPage } from '../helpers/browser.js';
import { startGateway } from '../helpers/gateway.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** This process's retained memory (the gateway runs in it): heap and buffers after collection. */
function retainedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const MB = 1024 * 1024;
const SCREENSHOTS = process.env.LOGWAY_SCREENSHOTS === '1';
const DOCS = path.resolve(import.meta.dirname, '../../docs');

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(DOCS, name), fullPage: false });
}

/**
 * One POST on its own connection: the bulk producer pauses between requests to measure memory,
 * and a pooled keep-alive connection may be closed by the server just as it is reused.
 */
function produceOnFreshConnection(url: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const countOf = async (page: Page, testId: string, attribute: string) => Number(await page.getByTestId(testId).getAttribute(attribute));

describe('console', () => {
  it('drives topics, the live tail with pause and resume, a group and its reset, end to end', async () => {
    // The recent records kept for readers (recentRecordsBytes, 32 MiB by default) are a bounded buffer of their own,
    // not the paused tab's: kept small here, so what the tab costs the server shows in the retained bytes below.
    const gw = await startGateway({ recentRecordsBytes: 2 * MB });
    // Neighbours for the list, with a little traffic.
    for (const [name, partitions] of [['orders', 6], ['payments', 3], ['audit.log', 12]] as const) {
      await gw.json('POST', '/v1/topics', { name, partitions, config: name === 'audit.log' ? { retentionMs: 7 * 86_400_000 } : undefined });
      await gw.json('POST', `/v1/topics/${name}/records`, { records: Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 7}`, value: { i } })) });
    }

    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    const seen = watchPage(page);
    await page.goto(`${gw.url}/console/`);
    await expect.poll(() => page.getByRole('table', { name: 'topics' }).getByRole('row').count()).toBe(4);
    await page.getByRole('link', { name: 'orders' }).waitFor();

    // Create a topic from the form: the console opens its page.
    const topic = 'console-e2e';
    await page.getByLabel('Topic name').fill(topic);
    await page.getByLabel('Partitions').fill('2');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await page.getByRole('heading', { name: topic, level: 1 }).waitFor();
    expect((await gw.json('GET', `/v1/topics/${topic}`)).body).toMatchObject({ name: topic, partitions: 2 });
    await expect.poll(() => page.getByTestId('tail-state').innerText()).toBe('live');

    // Produce from the form; the acknowledgement names where it landed, and the live tail shows it.
    await page.getByLabel('Key (empty: none)').fill('customer-7');
    await page.getByLabel('Value', { exact: true }).fill('{"total": 42, "items": [{"sku": "A-1"}]}');
    await page.getByLabel('Headers (one "name: value" a line)').fill('source: console');
    await page.getByLabel('Partition (empty: by key, or round-robin)').fill('0');
    await page.getByRole('button', { name: 'Produce' }).click();
    expect(await page.getByTestId('produce-ack').innerText()).toMatch(/^on disk: partition 0, offset 0, at /);
    const first = page.getByRole('article', { name: 'record 0:0' });
    await first.waitFor();
    expect(await first.innerText()).toContain('customer-7');
    expect(await first.innerText()).toContain('source: console');
    // JSON is pretty-printed and collapsible: the third level starts closed, a click opens it.
    expect(await first.innerText()).not.toContain('"sku"');
    await first.getByText('1 key').click();
    expect(await first.innerText()).toContain('"sku": "A-1"');
    const stored = (await gw.json('GET', `/v1/topics/${topic}/partitions/0/records?offset=0`)).body.records[0];
    expect(stored).toMatchObject({ key: 'customer-7', value: { total: 42, items: [{ sku: 'A-1' }] }, headers: { source: 'console' } });

    // Binary values show as base64 with their length.
    await gw.json('POST', `/v1/topics/${topic}/records`, { records: [{ partition: 1, value: 'AAEC/f7/', valueEncoding: 'base64' }] });
    await page.getByRole('article', { name: 'record 1:0' }).waitFor();
    expect(await page.getByRole('article', { name: 'record 1:0' }).innerText()).toContain('base64, 6 bytes: AAEC/f7/');

    // Pause, then a producer writes 100,000 records (about 27 MB as stored, more as JSON on a socket): the paused tab is owed nothing,
    // so the server neither sends them nor keeps them for it.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('tail-state').innerText()).toBe('paused');
    const receivedAtPause = await countOf(page, 'tail-received', 'data-count');
    expect(receivedAtPause).toBe(2);
    const before = retainedBytes();
    let peak = 0;
    const value = 'x'.repeat(200);
    for (let batch = 0; batch < 10; batch++) {
      const records = Array.from({ length: 10_000 }, (_, i) => ({ key: `bulk-${i % 100}`, value: { order: batch * 10_000 + i, status: 'shipped', note: value } }));
      expect(await produceOnFreshConnection(`${gw.url}/v1/topics/${topic}/records`, { records })).toBe(200);
      peak = Math.max(peak, retainedBytes() - before);
    }
    // The server may have sent what the page had granted before it paused (one window), no more.
    const receivedWhilePaused = await countOf(page, 'tail-received', 'data-count');
    expect(receivedWhilePaused).toBeLessThanOrEqual(receivedAtPause + 2000);
    expect(peak).toBeLessThan(16 * MB);
    expect(retainedBytes() - before).toBeLessThan(16 * MB);

    // Resume: every record arrives, read from the log where the tab stopped.
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="tail-received"]')?.getAttribute('data-count')) === 100_002, undefined, {
      timeout: 120_000,
    });
    const hw = (await gw.json('GET', `/v1/topics/${topic}`)).body.partitionOffsets.map((p: any) => p.highWatermark);
    expect(hw[0] + hw[1]).toBe(100_002);
    // The newest record of each partition is on screen.
    await page.getByRole('article', { name: `record 0:${hw[0] - 1}` }).or(page.getByRole('article', { name: `record 1:${hw[1] - 1}` })).first().waitFor();
    // Filter by key.
    // Filter by key: a key of the newest records (keys go to partitions by hash), one in a hundred of them.
    const newest = (await gw.json('GET', `/v1/topics/${topic}/partitions/1/records?offset=${hw[1] - 1}`)).body.records[0];
    await page.getByLabel('Filter by key').fill(newest.key);
    await expect.poll(async () => [...new Set(await page.locator('article.record .key code').allInnerTexts())]).toEqual([newest.key]);
    await page.getByLabel('Filter by key').fill('');
    await page.getByRole('heading', { name: 'Live tail' }).evaluate((h) => h.scrollIntoView());
    await screenshot(page, 'console-live-tail.png');

    // Jump: start again from an offset of one partition.
    await page.getByLabel('From').selectOption('offset');
    await page.getByLabel('Partition', { exact: true }).fill('0');
    await page.getByLabel('Offset', { exact: true }).fill(String(hw[0] - 3));
    await page.getByRole('button', { name: 'Start tail' }).click();
    await page.getByRole('article', { name: `record 0:${hw[0] - 3}` }).waitFor();
    expect(await page.getByRole('article', { name: `record 0:${hw[0] - 4}` }).count()).toBe(0);
    expect(await page.locator('article.record').count()).toBe(3);

    // A consumer group: its lag on the group page falls as the consumer commits.
    const group = 'console-readers';
    const join = (await gw.json('POST', `/v1/groups/${group}/members`, { topics: [topic], autoOffsetReset: 'earliest' })).body;
    const commit = (offsets: number[]) =>
      gw.json('POST', `/v1/groups/${group}/offsets`, {
        memberId: join.memberId,
        memberEpoch: join.memberEpoch,
        offsets: offsets.map((offset, partition) => ({ topic, partition, offset })),
      });
    expect((await commit([0, 0])).status).toBe(200);
    await page.getByRole('link', { name: 'Consumer groups' }).click();
    await page.getByRole('link', { name: group }).click();
    const lag = () => countOf(page, 'group-lag', 'data-lag');
    await expect.poll(lag).toBe(100_002);
    expect(await page.getByRole('table', { name: 'members' }).innerText()).toContain(join.memberId);
    expect(await page.getByRole('table', { name: 'members' }).innerText()).toContain(`${topic}/0, ${topic}/1`);
    for (const done of [0.25, 0.5, 0.75, 1]) {
      const offsets = hw.map((h: number) => Math.floor(h * done));
      expect((await commit(offsets)).status).toBe(200);
      await expect.poll(lag).toBe(hw[0] + hw[1] - offsets[0] - offsets[1]);
      if (done === 0.75) await screenshot(page, 'console-group.png');
    }
    // The lag chart drew the lag over the polls: a line through several points, highest at the start.
    const chart = page.locator('figure.lag-chart svg');
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(4);
    expect(Number(await chart.getAttribute('data-peak'))).toBe(100_002);
    expect(await chart.locator('polyline').count()).toBe(1);
    // Reset needs an empty group: the consumer leaves, then the console moves it back to earliest.
    expect((await gw.json('DELETE', `/v1/groups/${group}/members/${join.memberId}`)).status).toBe(204);
    await expect.poll(() => page.getByTestId('group-state').innerText()).toBe('empty');
    await page.getByLabel('Reset to').selectOption('earliest');
    await page.getByRole('button', { name: 'Reset offsets…' }).click();
    await page.getByLabel('group name').fill(group);
    await page.getByRole('button', { name: `Reset ${group}` }).click();
    await expect.poll(lag).toBe(100_002);
    expect((await gw.json('GET', `/v1/groups/${group}/offsets`)).body.offsets.map((o: any) => o.committedOffset)).toEqual([0, 0]);

    // Jump to a time: a record stamped 2030-01-01 00:00 (the page's local time) is the first at or after it.
    await page.goto(`${gw.url}/console/#/topics/${topic}`);
    const at = '2030-01-01T00:00:00';
    const stamp = await page.evaluate((text) => Date.parse(text), at);
    const future = (await gw.json('POST', `/v1/topics/${topic}/records`, { records: [{ partition: 1, value: 'from the future', timestamp: stamp }] })).body.records[0];
    await page.getByLabel('From').selectOption('time');
    await page.getByLabel('Time', { exact: true }).fill(at);
    await page.getByRole('button', { name: 'Start tail' }).click();
    await page.getByRole('article', { name: `record 1:${future.offset}` }).waitFor();
    // Only that record, once the page has drawn what the tail brought.
    await expect.poll(() => page.locator('article.record').count()).toBe(1);

    // Alter the topic from its settings form: partitions, retention by time and size, compaction lag.
    await page.getByLabel('Partitions (can only grow)').fill('3');
    await page.getByLabel('Retention (ms, empty: forever)').fill('86400000');
    await page.getByLabel('Retention (bytes per partition, empty: no limit)').fill('1000000');
    await page.getByLabel('Minimum compaction lag (ms)').fill('5000');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await gw.json('GET', `/v1/topics/${topic}`)).body)
      .toMatchObject({ partitions: 3, config: { retentionMs: 86_400_000, retentionBytes: 1_000_000, minCompactionLagMs: 5000, cleanupPolicy: 'delete' } });
    // The page shows the new partition count once it has reloaded the topic.
    await expect.poll(() => page.getByLabel('Partitions (can only grow)').inputValue()).toBe('3');

    // Delete the topic, confirming by its name.
    await page.getByRole('button', { name: 'Delete topic…' }).click();
    const confirmDelete = page.getByRole('button', { name: `Delete ${topic}` });
    expect(await confirmDelete.isDisabled()).toBe(true);
    await page.getByLabel('topic name').fill(topic);
    await confirmDelete.click();
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    expect((await gw.json('GET', `/v1/topics/${topic}`)).status).toBe(404);
    await expect.poll(() => page.getByRole('link', { name: topic }).count()).toBe(0);
    // Traffic for the throughput sparklines: a batch, then wait until the page has seen it.
    const rounds = SCREENSHOTS ? 5 : 2;
    for (let round = 1; round <= rounds; round++) {
      for (const [name, n] of [['orders', 300], ['payments', 120], ['audit.log', 40]] as const) {
        await gw.json('POST', `/v1/topics/${name}/records`, { records: Array.from({ length: n * round }, (_, i) => ({ key: `k${i % 7}`, value: { i } })) });
      }
      const total = 40 + (300 * round * (round + 1)) / 2;
      await page.getByRole('row', { name: /^orders/ }).getByText(total.toLocaleString('en-US'), { exact: true }).waitFor();
    }
    // The page saw the records arrive between two polls: orders' sparkline has a peak above 0 records/s.
    const ordersRate = page.getByRole('row', { name: /^orders/ }).getByRole('img');
    await expect.poll(async () => Number(await ordersRate.getAttribute('data-peak'))).toBeGreaterThan(0);
    await expect.poll(async () => Number(await page.getByRole('row', { name: /^payments/ }).getByRole('img').getAttribute('data-peak'))).toBeGreaterThan(0);
    await screenshot(page, 'console-topics.png');

    expect(new Set(seen.requests.map((u) => new URL(u).host))).toEqual(new Set([`127.0.0.1:${gw.port}`]));
    // A poll in flight while the topic was deleted may be answered 404; the console's own files never are.
    expect(seen.errors.filter((e) => !e.startsWith('Failed to load resource: the server responded with a status of 404'))).toEqual([]);
    expect(seen.failedAssets).toEqual([]);
  }, 300_000);

  it('asks for a key when the gateway requires one, keeps it in sessionStorage only, and uses it for REST and the live tail', async () => {
    const adminKey = 'console-admin-key-0123456789';
    const gw = await startGateway({ adminKey });
    const admin = { authorization: `Bearer ${adminKey}` };
    await gw.json('POST', '/v1/topics', { name: 'secured' }, admin);
    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${gw.url}/console/`);
    // By keyboard alone: type the key and Enter, then Tab to the topic's link and Enter.
    await page.getByLabel('API key or token').fill(adminKey);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'secured' }).waitFor();
    for (let presses = 0; presses < 40; presses++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'secured') break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'secured', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('tail-state').innerText()).toBe('live');
    await gw.json('POST', '/v1/topics/secured/records', { records: [{ value: 'seen with a key' }] }, admin);
    await page.getByRole('article', { name: 'record 0:0' }).waitFor();
    // Light and dark.
    const themeButton = page.getByRole('button', { name: 'Dark theme' });
    const dark = (await themeButton.getAttribute('aria-pressed')) === 'true';
    await themeButton.click();
    // The theme reaches the document in an effect after the next render (a frame later on a busy machine).
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(dark ? 'light' : 'dark');
    await expect.poll(() => themeButton.getAttribute('aria-pressed')).toBe(String(!dark));
    const storage = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage }, cookie: document.cookie }));
    expect(Object.values(storage.session)).toContain(adminKey);
    expect(JSON.stringify(storage.local)).not.toContain(adminKey);
    expect(storage.cookie).toBe('');
    // A new tab has no session: it asks again.
    const other = await browser.newPage();
    await other.goto(`${gw.url}/console/`);
    await other.getByLabel('API key or token').waitFor();
  });
});
