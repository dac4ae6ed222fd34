/**
 * The browser client's group mode (subscribe with `group`) in real Chromium: a page joins a
 * consumer group and consumes while a producer writes, committing what its listener processed
 * (auto-commit); the page is closed without a word, a new page joins and starts exactly at the
 * group's last commit; the gateway is restarted under it (gracefully, then killed) and the page
 * rejoins by itself. Every record is processed at least once across the pages, each page sees each
 * record at most once and in offset order per partition, and closing commits everything processed.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, servePage, watchPage } from '../helpers/browser.js';
import { requestJson } from '../helpers/gateway.js';
import { byPartition, readWholeTopic, startProducer, startRestartableGateway, type LoggedRecord } from '../helpers/restart.js';
import { until } from '../helpers/until.js';

const PARTITIONS = 3;
const GROUP = 'billing';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>logway group member</title>
<script type="module">
  const params = new URLSearchParams(location.search);
  const { Logway } = await import(params.get('client'));
  const w = window;
  w.received = [];
  w.assigned = [];
  w.revoked = [];
  w.opens = [];
  w.errors = [];
  const logway = new Logway();
  const sub = logway.subscribe('orders', {
    group: '${GROUP}',
    from: 'earliest',
    credit: 40,
    commitIntervalMs: 200,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
  });
  sub.on('records', async (records) => {
    const batch = records.map((r) => ({ partition: r.partition, offset: r.offset, seq: r.value.seq }));
    w.received.push(...batch);
    // Processing = telling the test (awaited: only then does the client count the records processed and commit them).
    await w.report(batch);
  });
  sub.on('assigned', (partitions) => w.assigned.push(partitions));
  sub.on('revoked', (partitions) => w.revoked.push(partitions));
  sub.on('open', (info) => w.opens.push(info));
  sub.on('error', (e) => w.errors.push(e.code + ': ' + e.message));
  w.sub = sub;
  w.ready = true;
</script>`;

const LONG = { timeoutMs: 120_000, intervalMs: 50 };

/** A page that joins the group; every record its listener processes is pushed to `processed` before the client may commit it. */
async function openMember(browser: Browser, pageUrl: string, gatewayUrl: string, processed: LoggedRecord[]): Promise<Page> {
  const page = await browser.newPage();
  const seen = watchPage(page);
  await page.exposeFunction('report', (batch: LoggedRecord[]) => void processed.push(...batch));
  await page.goto(`${pageUrl}?client=${encodeURIComponent(`${gatewayUrl}/client/logway.js`)}`);
  await until('the page to join', () => page.evaluate(() => (window as any).ready === true), LONG).catch((err) => {
    throw new Error(`${err.message}\npage errors: ${seen.errors.join('\n')}`);
  });
  return page;
}

async function group(url: string): Promise<{ members: unknown[]; committed: Map<number, number> }> {
  const res = await requestJson(`${url}/v1/groups/${GROUP}`, 'GET');
  expect(res.status).toBe(200);
  const committed = new Map<number, number>();
  for (const o of res.body.offsets as { partition: number; committedOffset: number | null }[]) committed.set(o.partition, o.committedOffset ?? 0);
  return { members: res.body.members, committed };
}

/** Each partition's records, as one page received them: offsets dense from `from` (per partition), each once, in order. */
function expectDenseFrom(records: LoggedRecord[], from: Map<number, number>, who: string) {
  for (const [partition, list] of byPartition(records)) {
    const start = from.get(partition) ?? 0;
    expect(list.map((r) => r.offset), `${who}, partition ${partition}`).toEqual(list.map((_, i) => start + i));
  }
}

describe('browser client, group mode, in Chromium', () => {
  it('a page consumes as a group member while a producer writes; a page opened after it closed resumes at the last commit; across gateway restarts every record is processed at least once and the final commit covers the log', async () => {
    const pageUrl = await servePage(PAGE);
    // A short session: a member the SIGKILL left behind is expelled soon after the restart (a bound on the wait, not a timing claim).
    const gw = await startRestartableGateway({
      LOGWAY_CORS_ORIGINS: new URL(pageUrl).origin,
      LOGWAY_GROUP_SESSION_TIMEOUT_MS: '4000',
      LOGWAY_GROUP_HEARTBEAT_INTERVAL_MS: '1000',
    });
    expect((await requestJson(`${gw.url}/v1/topics`, 'POST', { name: 'orders', partitions: PARTITIONS })).status).toBe(201);
    const producer = startProducer(() => gw.url, 'orders');
    const browser = await launchBrowser();

    // The first page: joins, gets every partition, consumes and commits as it goes.
    const firstReceived: LoggedRecord[] = [];
    const first = await openMember(browser, pageUrl, gw.url, firstReceived);
    await until('the first page to process records', () => firstReceived.length >= 300, LONG);
    await until('a commit of what it processed', async () => [...(await group(gw.url)).committed.values()].some((o) => o > 0), LONG);
    const firstAssigned: { partition: number; offset: number }[][] = await first.evaluate(() => (window as any).assigned);
    expect(firstAssigned.flat().map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    // Closed without close(): what it processed since its last commit is not committed.
    expect(await first.evaluate(() => (window as any).errors)).toEqual([]);
    await first.close();
    const afterFirst = await until('the closed page to leave the group', async () => {
      const g = await group(gw.url);
      return g.members.length === 0 && g;
    }, LONG);
    expectDenseFrom(firstReceived, new Map(), 'first page');
    // Commits never run ahead of processing: everything below each commit was processed.
    const firstNext = new Map([...byPartition(firstReceived)].map(([p, list]) => [p, list.at(-1)!.offset + 1]));
    for (const [partition, offset] of afterFirst.committed) expect(offset, `partition ${partition}`).toBeLessThanOrEqual(firstNext.get(partition) ?? 0);

    // The second page starts exactly at the group's last commit of each partition.
    const secondReceived: LoggedRecord[] = [];
    const second = await openMember(browser, pageUrl, gw.url, secondReceived);
    await until('the second page to process records of every partition', () => byPartition(secondReceived).size === PARTITIONS, LONG);
    const secondAssigned: { partition: number; offset: number }[][] = await second.evaluate(() => (window as any).assigned);
    expect(secondAssigned[0]!.map((p) => [p.partition, p.offset]).sort()).toEqual([...afterFirst.committed].sort());
    for (const [partition, list] of byPartition(secondReceived)) expect(list[0]!.offset, `partition ${partition}`).toBe(afterFirst.committed.get(partition));

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const before = secondReceived.length;
      await until('the second page to process more records', () => secondReceived.length >= before + 150, LONG);
      await gw.restart(signal);
      const restartedAt = secondReceived.length;
      await until(`the second page to rejoin and process more after the ${signal} restart`, () => secondReceived.length >= restartedAt + 150, LONG);
    }
    const total = await producer.stop();
    const log = await readWholeTopic(gw.url, 'orders');
    const highWatermarks = new Map([...log].map(([p, list]) => [p, list.length]));
    await until('the second page to process the whole log', async () => {
      const next = new Map([...byPartition(secondReceived)].map(([p, list]) => [p, list.at(-1)!.offset + 1]));
      return [...highWatermarks].every(([p, hw]) => next.get(p) === hw);
    }, LONG);
    // close() commits what was processed, then leaves.
    await second.evaluate(() => (window as any).sub.close());
    expect(await second.evaluate(() => (window as any).sub.state)).toBe('closed');
    const final = await until('the group to be empty', async () => {
      const g = await group(gw.url);
      return g.members.length === 0 && g;
    }, LONG);
    expect(final.committed).toEqual(highWatermarks);

    // The log holds every sequence number once (the producer's retries are idempotent).
    expect([...log.values()].flat().map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
    // The second page: each record once, in order, dense from the first page's last commit, across both restarts.
    expectDenseFrom(secondReceived, afterFirst.committed, 'second page');
    // At least once across the pages: every record of the log was processed by one of them.
    const processed = new Set([...firstReceived, ...secondReceived].map((r) => `${r.partition}:${r.offset}:${r.seq}`));
    for (const r of [...log.values()].flat()) expect(processed.has(`${r.partition}:${r.offset}:${r.seq}`), `${r.partition}:${r.offset}`).toBe(true);
    // The page rejoined after each restart by itself, and saw no error.
    const opens: { reconnected: boolean }[] = await second.evaluate(() => (window as any).opens);
    expect(opens.length).toBeGreaterThanOrEqual(3);
    expect(opens.map((o) => o.reconnected)).toEqual([false, ...opens.slice(1).map(() => true)]);
    expect(await second.evaluate(() => (window as any).errors)).toEqual([]);
  }, 600_000);
});
