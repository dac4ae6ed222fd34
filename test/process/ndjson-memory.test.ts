/**
 * NDJSON bodies and answers are streamed: the server's memory stays bounded whatever their size.
 * The server runs as its own process so its resident set (Linux /proc/<pid>/status) is its alone:
 * VmHWM is the peak since it started, so a body buffered whole for even an instant would show.
 */
import fs from 'node:fs';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/gateway.js';
import { startServerProcess } from '../helpers/process.js';

const MiB = 1024 * 1024;

/** Resident set now and its peak since the process started, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Starts measuring the peak afresh: writing 5 to clear_refs resets VmHWM to the current resident set (Linux 4.0+). */
function resetPeak(pid: number): { rss: number; peak: number } {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  return memoryOf(pid);
}

/** POSTs `total` bytes of NDJSON lines made by `line(i)`, chunked (no Content-Length), writing only as fast as the server reads. */
function postStreamed(url: string, totalBytes: number, line: (i: number) => string | undefined): Promise<{ status: number; body: any; lines: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' } });
    let sent = 0;
    let lines = 0;
    let ended = false;
    const write = () => {
      while (sent < totalBytes && !ended) {
        // About 64 KiB per write, as a file read would give.
        let piece = '';
        while (piece.length < 64 * 1024 && sent + piece.length < totalBytes) {
          const text = line(lines);
          if (text === undefined) {
            ended = true;
            break;
          }
          piece += text + '\n';
          lines++;
        }
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), lines }));
    });
    req.on('error', reject);
    write();
  });
}

/** Reads an NDJSON answer line by line as it streams, holding none of the lines: each goes to `line`. */
async function eachLine(answer: Response, line: (text: string) => void): Promise<{ bytes: number; carry: string }> {
  let bytes = 0;
  let carry = '';
  const decoder = new TextDecoder();
  const reader = answer.body!.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
    const parts = (carry + decoder.decode(read.value, { stream: true })).split('\n');
    carry = parts.pop()!;
    for (const part of parts) line(part);
  }
  return { bytes, carry };
}

describe('NDJSON memory (server process)', () => {
  it('ingests a 200 MB streamed body with the resident set bounded far below the body', { timeout: 600_000 }, async () => {
    const server = await startServerProcess(tempDir(), {
      LOGWAY_SYNCHRONOUS: 'NORMAL',
      // A heap this size could not hold the body as text even once: buffering it would crash the server.
      NODE_OPTIONS: '--max-old-space-size=128',
    });
    const pid = server.child.pid!;
    await fetch(`${server.url}/v1/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"big","partitions":4}' });
    // Warm up: the first chunks' code paths and the page cache settle before the baseline.
    await postStreamed(`${server.url}/v1/topics/big/records`, 32 * MiB, (i) => JSON.stringify({ key: `k${i % 97}`, value: { i, pad: 'x'.repeat(900) } }));
    const before = resetPeak(pid);

    const total = 200 * MiB;
    const res = await postStreamed(`${server.url}/v1/topics/big/records`, total, (i) => JSON.stringify({ key: `k${i % 97}`, value: { i, pad: 'y'.repeat(900) } }));
    const after = memoryOf(pid);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.appended).toBe(res.lines);
    expect(res.body.partitions.reduce((sum: number, p: { count: number }) => sum + p.count, 0)).toBe(res.lines);
    console.log(`ndjson ingest: ${res.lines} lines; rss before ${(before.rss / MiB).toFixed(0)} MiB, peak before ${(before.peak / MiB).toFixed(0)}, peak after ${(after.peak / MiB).toFixed(0)}, rss after ${(after.rss / MiB).toFixed(0)}`);
    // The peak grew by far less than the body: a body held whole would add at least its 200 MiB.
    expect(after.peak - before.rss).toBeLessThan(100 * MiB);
  });

  it('exports 1 M records as NDJSON with the resident set bounded far below the answer', { timeout: 600_000 }, async () => {
    const server = await startServerProcess(tempDir(), { LOGWAY_SYNCHRONOUS: 'NORMAL', NODE_OPTIONS: '--max-old-space-size=128' });
    const pid = server.child.pid!;
    await fetch(`${server.url}/v1/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"many"}' });
    const count = 1_000_000;
    // Produced fast: one streamed NDJSON body, committed in chunks of 1,000 records.
    const res = await postStreamed(`${server.url}/v1/topics/many/records`, Infinity, (i) =>
      i < count ? `{"key":"k${i % 10}","value":{"i":${i},"pad":"${'z'.repeat(40)}"}}` : undefined,
    );
    expect(res.body.appended).toBe(count);

    // Warm up the read path, then measure the export's peak alone.
    await (await fetch(`${server.url}/v1/topics/many/partitions/0/records?offset=0&limit=20000`, { headers: { accept: 'application/x-ndjson' } })).text();
    const before = resetPeak(pid);
    const answer = await fetch(`${server.url}/v1/topics/many/partitions/0/records?offset=0`, { headers: { accept: 'application/x-ndjson' } });
    expect(answer.headers.get('logway-high-watermark')).toBe(String(count));
    // Count lines and check their order as they stream, holding none of them.
    let lines = 0;
    let bytes = 0;
    let carry = '';
    const decoder = new TextDecoder();
    const reader = answer.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const chunk = read.value;
      bytes += chunk.byteLength;
      const text = carry + decoder.decode(chunk, { stream: true });
      const parts = text.split('\n');
      carry = parts.pop()!;
      for (const part of parts) {
        const offset = Number(/"offset":(\d+)/.exec(part)![1]);
        expect(offset).toBe(lines);
        lines++;
      }
    }
    const after = memoryOf(pid);
    expect(carry).toBe('');
    expect(lines).toBe(count);
    console.log(`ndjson export: ${lines} lines, ${(bytes / MiB).toFixed(0)} MiB; rss before ${(before.rss / MiB).toFixed(0)} MiB, peak during ${(after.peak / MiB).toFixed(0)}`);
    expect(bytes).toBeGreaterThan(100 * MiB);
    // An answer built whole would add at least its own size (over 100 MiB) to the peak.
    expect(after.peak - before.rss).toBeLessThan(50 * MiB);
  });

  it('exports a 1 M-record topic of 4 partitions (the topic read) as NDJSON with the resident set bounded far below the answer', { timeout: 600_000 }, async () => {
    const server = await startServerProcess(tempDir(), { LOGWAY_SYNCHRONOUS: 'NORMAL', NODE_OPTIONS: '--max-old-space-size=128' });
    const pid = server.child.pid!;
    await fetch(`${server.url}/v1/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"many","partitions":4}' });
    const count = 1_000_000;
    const res = await postStreamed(`${server.url}/v1/topics/many/records`, Infinity, (i) =>
      i < count ? `{"key":"k${i % 97}","value":{"i":${i},"pad":"${'z'.repeat(40)}"}}` : undefined,
    );
    expect(res.body.appended).toBe(count);

    await (await fetch(`${server.url}/v1/topics/many/records?from=earliest&limit=20000`, { headers: { accept: 'application/x-ndjson' } })).text();
    const before = resetPeak(pid);
    const answer = await fetch(`${server.url}/v1/topics/many/records?from=earliest`, { headers: { accept: 'application/x-ndjson' } });
    expect(answer.status).toBe(200);
    const next = new Map<number, number>();
    let lines = 0;
    const { bytes, carry } = await eachLine(answer, (line) => {
      const partition = Number(/"partition":(\d+)/.exec(line)![1]);
      const offset = Number(/"offset":(\d+)/.exec(line)![1]);
      // Offset order with no gap within each partition, whatever the interleaving.
      expect(offset).toBe(next.get(partition) ?? 0);
      next.set(partition, offset + 1);
      lines++;
    });
    const after = memoryOf(pid);
    expect(carry).toBe('');
    expect(lines).toBe(count);
    expect(next.size).toBe(4);
    console.log(`topic ndjson export: ${lines} lines, ${(bytes / MiB).toFixed(0)} MiB; rss before ${(before.rss / MiB).toFixed(0)} MiB, peak during ${(after.peak / MiB).toFixed(0)}`);
    expect(bytes).toBeGreaterThan(100 * MiB);
    expect(after.peak - before.rss).toBeLessThan(50 * MiB);
    // The header's cursor is the end: a read from it has nothing more.
    const rest = await fetch(`${server.url}/v1/topics/many/records?cursor=${answer.headers.get('logway-cursor')}`);
    expect((await rest.json()).records).toEqual([]);
  });
});
