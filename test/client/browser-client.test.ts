/**
 * The browser client (client/src, served at /client/logway.js) in a real browser (Debian's headless
 * Chromium). A page on its own origin imports the module from the gateway and subscribes; the
 * gateway process is restarted mid-stream (gracefully, then killed) on the same port and data folder
 * while a producer writes; the page must end with every record of the log exactly once, in offset
 * order per partition, having reconnected by itself. Its listener is slow on purpose and its credit
 * small, so the records arrive under the client's flow control. Produce resolves with the
 * acknowledgement, also when the gateway was down as it was called.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, servePage, watchPage } from '../helpers/browser.js';
import { requestJson } from '../helpers/gateway.js';
import { byPartition, readWholeTopic, startProducer, startRestartableGateway, type LoggedRecord } from '../helpers/restart.js';
import { until } from '../helpers/until.js';

const PARTITIONS = 3;

// The page imports the client from the gateway, as the README shows, and sets no url: the client
// defaults to the gateway it was loaded from.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>logway client</title>
<script type="module">
  const params = new URLSearchParams(location.search);
  const { Logway, LogwayError } = await import(params.get('client'));
  window.Logway = Logway;
  window.LogwayError = LogwayError;
  window.logway = new Logway({ produceRetries: 1000, produceBackoff: { maxDelayMs: 500 } });
  window.ready = true;
</script>`;

const LONG = { timeoutMs: 120_000, intervalMs: 50 };

async function openPage(pageUrl: string, gatewayUrl: string): Promise<Page> {
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const seen = watchPage(page);
  await page.goto(`${pageUrl}?client=${encodeURIComponent(`${gatewayUrl}/client/logway.js`)}`);
  await until('the page to import the client', () => page.evaluate(() => (window as any).ready === true), LONG).catch((err) => {
    throw new Error(`${err.message}\npage errors: ${seen.errors.join('\n')}`);
  });
  return page;
}

describe('browser client in Chromium', () => {
  it('subscribes from earliest and, across gateway restarts (SIGTERM, then SIGKILL) while a producer writes, ends with every record exactly once in order per partition', async () => {
    const pageUrl = await servePage(PAGE);
    const gw = await startRestartableGateway({ LOGWAY_CORS_ORIGINS: new URL(pageUrl).origin });
    expect((await requestJson(`${gw.url}/v1/topics`, 'POST', { name: 'orders', partitions: PARTITIONS })).status).toBe(201);
    const producer = startProducer(() => gw.url, 'orders');
    const page = await openPage(pageUrl, gw.url);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.evaluate(() => {
      const w = window as any;
      w.received = [];
      w.opens = [];
      w.reconnecting = [];
      w.errors = [];
      // A small credit and a listener that takes its time: the gateway may only send what the page has taken.
      const sub = w.logway.subscribe('orders', { from: 'earliest', credit: 40, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
      sub.on('records', async (records: any[]) => {
        for (const r of records) w.received.push({ partition: r.partition, offset: r.offset, seq: r.value.seq });
        await new Promise((resolve) => setTimeout(resolve, 1));
      });
      sub.on('open', (info: any) => w.opens.push(info));
      sub.on('reconnecting', (info: any) => w.reconnecting.push(info));
      sub.on('error', (e: any) => w.errors.push(`${e.code}: ${e.message}`));
      w.sub = sub;
    });
    const count = () => page.evaluate(() => (window as any).received.length as number);

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const before = await count();
      await until('the page to receive more records', async () => (await count()) >= before + 200, LONG);
      await gw.restart(signal);
      const restartedAt = await count();
      const ackedAt = producer.acked;
      await until(`the page to resume after the ${signal} restart`, async () => (await count()) >= restartedAt + 200, LONG);
      await until('the producer to write to the new process', () => producer.acked > ackedAt, LONG);
    }
    const total = await producer.stop();
    await until(`the page to receive all ${total} records`, async () => (await count()) >= total, LONG);

    const log = await readWholeTopic(gw.url, 'orders');
    const seqs = [...log.values()].flat().map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
    const received: LoggedRecord[] = await page.evaluate(() => (window as any).received);
    expect(received).toHaveLength(total);
    const pageByPartition = byPartition(received);
    for (let p = 0; p < PARTITIONS; p++) {
      const logged = log.get(p)!;
      expect(logged.map((r) => r.offset)).toEqual(logged.map((_, i) => i));
      expect(pageByPartition.get(p), `partition ${p}`).toEqual(logged);
    }
    // One subscription throughout: it opened, then reopened by itself after each restart.
    const opens: { reconnected: boolean }[] = await page.evaluate(() => (window as any).opens);
    expect(opens.length).toBeGreaterThanOrEqual(3);
    expect(opens.map((o) => o.reconnected)).toEqual([false, ...opens.slice(1).map(() => true)]);
    expect((await page.evaluate(() => (window as any).reconnecting)).length).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => (window as any).errors)).toEqual([]);
    expect(await page.evaluate(() => (window as any).sub.state)).toBe('open');
    // Every socket after the first (attempts while the gateway was down included) resumed from a cursor.
    expect(sockets.length).toBeGreaterThanOrEqual(opens.length);
    expect(new URL(sockets[0]!).searchParams.get('from')).toBe('earliest');
    for (const url of sockets.slice(1)) expect(new URL(url).searchParams.get('from')).toMatch(/^cursor:[\w-]+$/);
    // The page's cursor is the end of the topic: a REST read from it finds nothing more.
    const cursor: string = await page.evaluate(() => (window as any).sub.cursor);
    const rest = await requestJson(`${gw.url}/v1/topics/orders/records?cursor=${cursor}`, 'GET');
    expect(rest.status).toBe(200);
    expect(rest.body.records).toEqual([]);
    await page.evaluate(() => (window as any).sub.close());
    expect(await page.evaluate(() => (window as any).sub.state)).toBe('closed');
  }, 600_000);

  it('produce resolves with the acknowledgement (where each record landed), once, even when called while the gateway is down', async () => {
    const pageUrl = await servePage(PAGE);
    const gw = await startRestartableGateway({ LOGWAY_CORS_ORIGINS: new URL(pageUrl).origin });
    expect((await requestJson(`${gw.url}/v1/topics`, 'POST', { name: 'orders', partitions: PARTITIONS })).status).toBe(201);
    const page = await openPage(pageUrl, gw.url);

    const ack = await page.evaluate(() =>
      (window as any).logway.produce('orders', [
        { key: 'customer-7', value: { total: 42 }, headers: { source: 'page' } },
        { value: 'to partition 2', partition: 2 },
      ]),
    );
    expect(ack).toEqual({
      records: [
        { partition: expect.any(Number), offset: 0, timestamp: expect.any(Number) },
        { partition: 2, offset: expect.any(Number), timestamp: expect.any(Number) },
      ],
      replayed: false,
    });
    const stored = await requestJson(`${gw.url}/v1/topics/orders/partitions/${ack.records[0].partition}/records?offset=0`, 'GET');
    expect(stored.body.records[0]).toMatchObject({ key: 'customer-7', value: { total: 42 }, headers: { source: 'page' } });

    // Called while the gateway is down: the client retries (one Idempotency-Key) until it is back.
    gw.current.kill('SIGTERM');
    await gw.current.exited;
    await page.evaluate(() => {
      const w = window as any;
      w.lateAck = w.logway.produce('orders', { value: 'while down', partition: 1 }, { idempotencyKey: 'late-1' });
    });
    await gw.restart('SIGTERM');
    const late = await page.evaluate(() => (window as any).lateAck);
    expect(late.records).toEqual([{ partition: 1, offset: expect.any(Number), timestamp: expect.any(Number) }]);
    const partition1 = await requestJson(`${gw.url}/v1/topics/orders/partitions/1/records?offset=0`, 'GET');
    expect(partition1.body.records.filter((r: any) => r.value === 'while down')).toHaveLength(1);
    // The same key again is the stored answer, not a second record.
    const again = await page.evaluate(() => (window as any).logway.produce('orders', { value: 'while down', partition: 1 }, { idempotencyKey: 'late-1' }));
    expect(again).toEqual({ records: late.records, replayed: true });

    // A refusal is a LogwayError with the problem's code and status.
    const refused = await page.evaluate(async () => {
      try {
        await (window as any).logway.produce('orders', { value: 1, partition: 9 });
        return 'accepted';
      } catch (e: any) {
        return { name: e.name, code: e.code, status: e.status, isLogwayError: e instanceof (window as any).LogwayError };
      }
    });
    expect(refused).toEqual({ name: 'LogwayError', code: expect.any(String), status: 400, isLogwayError: true });
  }, 300_000);
});
