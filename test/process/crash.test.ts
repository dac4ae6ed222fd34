/**
 * Durability of the real server process (issue 2, "Durability"):
 * - SIGKILL under concurrent load: every acknowledged record survives exactly once at
 *   its acknowledged offset, offsets stay dense, no request is half-applied, and an
 *   Idempotency-Key retried after the restart answers with the original positions.
 * - SIGTERM: stop accepting, finish in-flight requests, close the database cleanly, exit 0.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const TOPIC = 'crash';
const PARTITIONS = 4;

interface Position {
  partition: number;
  offset: number;
  timestamp: number;
}

/** One produce request as a client sent it. Its id is in every record's value, so a torn batch shows. */
interface SentBatch {
  id: string;
  body: { records: { key?: string; partition?: number; value: { batch: string; i: number; n: number } }[] };
  idempotencyKey?: string;
  /** Set when the server answered 200: where each record landed, in request order. */
  acked?: Position[];
}

/** A batch of 1-12 records spread over partitions three ways: explicit, keyed, and round-robin. */
function makeBatch(client: number, seq: number): SentBatch {
  const id = `c${client}-b${seq}`;
  const n = 1 + ((client * 7 + seq * 5) % 12);
  const records = Array.from({ length: n }, (_, i) => {
    const value = { batch: id, i, n };
    switch ((seq + i) % 3) {
      case 0:
        return { partition: (client + i) % PARTITIONS, value };
      case 1:
        return { key: `key-${client}-${i}`, value };
      default:
        return { value };
    }
  });
  // Every third request is idempotent, so some in-flight ones can be retried after the crash.
  return { id, body: { records }, idempotencyKey: seq % 3 === 0 ? `idem-${id}` : undefined };
}

async function readPartition(url: string, partition: number) {
  const records: { offset: number; value: { batch: string; i: number; n: number } }[] = [];
  let offset = 0;
  for (;;) {
    const res = await requestJson(`${url}/v1/topics/${TOPIC}/partitions/${partition}/records?offset=${offset}&limit=1000`, 'GET');
    expect(res.status).toBe(200);
    expect(res.body.logStartOffset).toBe(0);
    records.push(...res.body.records);
    if (res.body.records.length === 0 || res.body.nextOffset >= res.body.highWatermark) {
      return { records, highWatermark: res.body.highWatermark as number };
    }
    offset = res.body.nextOffset;
  }
}

describe('SIGKILL under concurrent produce load', () => {
  // NORMAL skips the fsync per commit but still survives a process crash: the OS keeps the written WAL.
  it.each(['FULL', 'NORMAL'])('synchronous=%s: keeps every acknowledged record exactly once at its offset, dense, no torn batch', async (synchronous) => {
    const dataDir = tempDir('logway-crash-');
    const first = await startServerProcess(dataDir, { LOGWAY_SYNCHRONOUS: synchronous });
    expect((await requestJson(first.url + '/v1/topics', 'POST', { name: TOPIC, partitions: PARTITIONS })).status).toBe(201);

    const CLIENTS = 8;
    const KILL_AFTER_ACKS = 400;
    const sent: SentBatch[] = [];
    let acks = 0;
    let killed = false;
    let reachedKillPoint!: () => void;
    const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));

    // Each client sends requests back to back until the server goes away.
    const client = async (c: number) => {
      for (let seq = 0; ; seq++) {
        const batch = makeBatch(c, seq);
        sent.push(batch);
        const headers: Record<string, string> = batch.idempotencyKey ? { 'idempotency-key': batch.idempotencyKey } : {};
        let res;
        try {
          res = await requestJson(`${first.url}/v1/topics/${TOPIC}/records`, 'POST', batch.body, headers);
        } catch {
          if (!killed) throw new Error(`request failed before the kill:\n${first.output().stderr}`);
          return; // killed mid-request: outcome unknown, checked below as all-or-nothing
        }
        expect(res.status).toBe(200);
        batch.acked = res.body.records;
        if (++acks >= KILL_AFTER_ACKS) reachedKillPoint();
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));

    await killPoint;
    killed = true;
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(clients);

    const acked = sent.filter((b) => b.acked);
    const unknown = sent.filter((b) => !b.acked);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    // The kill landed mid-load: every client had a request out.
    expect(unknown.length).toBe(CLIENTS);

    const second = await startServerProcess(dataDir, { LOGWAY_SYNCHRONOUS: synchronous });

    // Idempotent requests whose answer the crash swallowed: a retry either replays the
    // committed answer or appends now; either way the batch ends up in the log exactly once.
    for (const batch of unknown.filter((b) => b.idempotencyKey)) {
      const res = await requestJson(`${second.url}/v1/topics/${TOPIC}/records`, 'POST', batch.body, {
        'idempotency-key': batch.idempotencyKey!,
      });
      expect(res.status).toBe(200);
      batch.acked = res.body.records;
    }

    const log = await readLog(second);
    checkLog(log, sent);

    // Retrying acknowledged idempotent requests after the restart returns the original
    // positions and appends nothing.
    const idempotentAcked = acked.filter((b) => b.idempotencyKey);
    expect(idempotentAcked.length).toBeGreaterThan(0);
    for (const batch of idempotentAcked.slice(0, 20)) {
      const res = await requestJson(`${second.url}/v1/topics/${TOPIC}/records`, 'POST', batch.body, {
        'idempotency-key': batch.idempotencyKey!,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect(res.body.records).toEqual(batch.acked);
    }
    const after = await readLog(second);
    expect(after.map((p) => p.highWatermark)).toEqual(log.map((p) => p.highWatermark));
  });
});

async function readLog(server: ServerProcess) {
  const partitions = [];
  for (let p = 0; p < PARTITIONS; p++) partitions.push(await readPartition(server.url, p));
  return partitions;
}

function checkLog(log: Awaited<ReturnType<typeof readLog>>, sent: SentBatch[]) {
  const sentById = new Map(sent.map((b) => [b.id, b]));
  /** batch id -> record index -> where it is in the log */
  const found = new Map<string, Map<number, { partition: number; offset: number }>>();

  for (const [partition, { records, highWatermark }] of log.entries()) {
    // Dense from 0, no gaps, up to the high watermark.
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: highWatermark }, (_, i) => i));
    for (const r of records) {
      const { batch, i } = r.value;
      expect(sentById.has(batch), `record of a batch never sent: ${batch}`).toBe(true);
      let slots = found.get(batch);
      if (!slots) found.set(batch, (slots = new Map()));
      expect(slots.has(i), `record ${i} of ${batch} is in the log twice`).toBe(false);
      slots.set(i, { partition, offset: r.offset });
    }
  }

  for (const batch of sent) {
    const slots = found.get(batch.id);
    const n = batch.body.records.length;
    if (batch.acked) {
      // Acknowledged: all there, each exactly where the answer said.
      expect(slots?.size, `acknowledged batch ${batch.id}`).toBe(n);
      for (let i = 0; i < n; i++) {
        const { partition, offset } = batch.acked[i]!;
        expect(slots!.get(i), `record ${i} of ${batch.id}`).toEqual({ partition, offset });
      }
    } else if (slots) {
      // In flight at the kill and not acknowledged: all or nothing, never a torn batch.
      expect(slots.size, `torn batch ${batch.id}`).toBe(n);
    }
  }
}

describe('SIGINT', () => {
  it('(Ctrl-C) shuts down as gracefully as SIGTERM', async () => {
    const dataDir = tempDir('logway-sigint-');
    const server = await startServerProcess(dataDir);
    expect((await requestJson(server.url + '/v1/topics', 'POST', { name: TOPIC, partitions: 1 })).status).toBe(201);
    server.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const walFile = path.join(dataDir, 'logway.db-wal');
    expect(fs.existsSync(walFile) ? fs.statSync(walFile).size : 0).toBe(0);
  });
});

/**
 * A request on its own connection that is known to be in the server's hands: it asks
 * `Expect: 100-continue`, and node's HTTP server answers 100 only once it has parsed the
 * headers and handed the request on. `body` is sent in two parts, the second on `finish()`.
 */
function inFlightRequest(url: string, method: string, path: string, body?: string, keepAlive = false) {
  const u = new URL(url);
  const agent = keepAlive ? new http.Agent({ keepAlive: true }) : false;
  const req = http.request({
    host: u.hostname,
    port: u.port,
    path,
    method,
    agent,
    headers: {
      expect: '100-continue',
      ...(body === undefined ? { 'content-length': 0 } : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
    },
  });
  const accepted = new Promise<void>((resolve) => req.once('continue', () => resolve()));
  const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.once('end', () => {
        if (agent) agent.destroy();
        resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) });
      });
      res.once('error', reject);
    });
    req.once('error', reject);
  });
  req.flushHeaders();
  const half = body === undefined ? 0 : Math.floor(body.length / 2);
  void accepted.then(() => body !== undefined && req.write(body.slice(0, half)));
  if (body === undefined) req.end();
  return { accepted, response, finish: () => req.end(body?.slice(half)) };
}

describe('SIGTERM', () => {
  it('finishes in-flight requests, refuses new ones, closes the database cleanly and exits 0', async () => {
    const dataDir = tempDir('logway-sigterm-');
    const server = await startServerProcess(dataDir);
    expect((await requestJson(server.url + '/v1/topics', 'POST', { name: TOPIC, partitions: PARTITIONS })).status).toBe(201);
    const seeded = await requestJson(`${server.url}/v1/topics/${TOPIC}/records`, 'POST', {
      records: [{ partition: 0, value: 'before' }],
    });
    expect(seeded.status).toBe(200);

    // In flight at the signal: a long-poll at the tail of partition 1, and a produce whose body is half sent.
    // The long-poll's client keeps connections alive, as fetch and most clients do.
    const longPoll = inFlightRequest(server.url, 'GET', `/v1/topics/${TOPIC}/partitions/1/records?offset=0&waitMs=25000`, undefined, true);
    const produceBody = JSON.stringify({ records: [{ partition: 2, value: 'during shutdown' }, { partition: 3, value: 'too' }] });
    const produce = inFlightRequest(server.url, 'POST', `/v1/topics/${TOPIC}/records`, produceBody);
    await Promise.all([longPoll.accepted, produce.accepted]);

    server.kill('SIGTERM');
    // Stop accepting: new connections are refused once the listener closes.
    await until('the listener to refuse connections', async () => (await connectError(server.url)) === 'ECONNREFUSED');

    // The long-poll answers (empty, at once) instead of being cut off.
    const polled = await longPoll.response;
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ records: [], nextOffset: 0, highWatermark: 0 });
    // ...and tells its keep-alive client to go away, so an idle socket does not hold the exit open.
    expect(polled.headers.connection).toBe('close');

    // The produce still in flight completes normally.
    produce.finish();
    const produced = await produce.response;
    expect(produced.status).toBe(200);
    expect(produced.body.records).toMatchObject([
      { partition: 2, offset: 0 },
      { partition: 3, offset: 0 },
    ]);

    expect(await server.exited).toEqual({ code: 0, signal: null });

    // Closed cleanly: the WAL was checkpointed into the database file and removed.
    const walFile = path.join(dataDir, 'logway.db-wal');
    expect(fs.existsSync(walFile) ? fs.statSync(walFile).size : 0).toBe(0);
    const db = new Database(path.join(dataDir, 'logway.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }

    // And everything acknowledged is there after a restart.
    const again = await startServerProcess(dataDir);
    const p0 = await requestJson(`${again.url}/v1/topics/${TOPIC}/partitions/0/records?offset=0`, 'GET');
    expect(p0.body.records.map((r: any) => r.value)).toEqual(['before']);
    const p2 = await requestJson(`${again.url}/v1/topics/${TOPIC}/partitions/2/records?offset=0`, 'GET');
    expect(p2.body.records.map((r: any) => r.value)).toEqual(['during shutdown']);
    again.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });
});

/** The error code of a GET /healthz on a new connection, or undefined if it is answered. */
function connectError(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
  });
}
