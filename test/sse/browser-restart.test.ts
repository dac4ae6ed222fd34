/**
 * A real browser's EventSource (Debian's headless Chromium) across gateway restarts: a page on
 * its own origin streams a topic from /v1/topics/{topic}/events while a producer keeps writing,
 * and the gateway process is stopped mid-stream (once gracefully, once killed) and started again
 * on the same port and data folder. The browser reconnects by itself, sending the last event's
 * id (a cursor) as Last-Event-ID; the page must end with every record of the log exactly once,
 * in offset order per partition.
 */
import { describe, expect, it } from 'vitest';
import { launchBrowser, servePage } from '../helpers/browser.js';
import { requestJson } from '../helpers/gateway.js';
import { byPartition, readWholeTopic, startProducer, startRestartableGateway, type LoggedRecord } from '../helpers/restart.js';
import { until } from '../helpers/until.js';

const TOPIC = 'clicks';
const PARTITIONS = 3;

// Nothing but the browser's own EventSource: one object for the whole test, never re-created by the page.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>EventSource across restarts</title>
<script>
  window.received = [];
  window.opens = 0;
  window.errors = 0;
  const events = new EventSource(new URLSearchParams(location.search).get('events'));
  events.onopen = () => window.opens++;
  events.onerror = () => window.errors++;
  events.onmessage = (e) => {
    const record = JSON.parse(e.data);
    window.received.push({ partition: record.partition, offset: record.offset, seq: record.value.seq });
  };
</script>`;

// Generous: three server starts, a browser and a producer on a loaded machine (a deadline, never an assertion on speed).
const LONG = { timeoutMs: 120_000, intervalMs: 50 };

describe('EventSource in Chromium', () => {
  it('resumes through Last-Event-ID after the gateway restarts mid-stream (SIGTERM, then SIGKILL): every record exactly once, in order per partition', async () => {
    const pageUrl = await servePage(PAGE);
    // A short retry so the browser comes back soon after each restart (the stream announces it).
    const gw = await startRestartableGateway({ LOGWAY_CORS_ORIGINS: new URL(pageUrl).origin, LOGWAY_SSE_RETRY_MS: '200' });
    expect((await requestJson(`${gw.url}/v1/topics`, 'POST', { name: TOPIC, partitions: PARTITIONS })).status).toBe(201);
    const producer = startProducer(() => gw.url, TOPIC);

    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${pageUrl}?events=${encodeURIComponent(`${gw.url}/v1/topics/${TOPIC}/events?from=earliest`)}`);
    const count = () => page.evaluate(() => (window as any).received.length as number);

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      // Mid-stream: the page is receiving and the producer writing when the process goes away.
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

    const log = await readWholeTopic(gw.url, TOPIC);
    // The log itself: every sequence number once (retries were deduplicated by their Idempotency-Key).
    const seqs = [...log.values()].flat().map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
    // The page: exactly the log, partition by partition, in offset order: no gap, no duplicate.
    const received: LoggedRecord[] = await page.evaluate(() => (window as any).received);
    expect(received).toHaveLength(total);
    const pageByPartition = byPartition(received);
    for (let p = 0; p < PARTITIONS; p++) {
      const logged = log.get(p)!;
      expect(logged.map((r) => r.offset)).toEqual(logged.map((_, i) => i));
      expect(pageByPartition.get(p), `partition ${p}`).toEqual(logged);
    }
    // It really reconnected (twice or more), always the same EventSource.
    expect(await page.evaluate(() => (window as any).opens)).toBeGreaterThanOrEqual(3);
    expect(producer.retries).toBeGreaterThan(0);
  });
});
