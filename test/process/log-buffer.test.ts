/**
 * Log lines are written to stdout a few KB at a time (logBufferBytes, logFlushMs): none is lost
 * by a graceful shutdown however long its flush interval, and none waits longer than that interval.
 * A reader that stops reading costs lines (logMaxPendingBytes), never the gateway's event loop.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/gateway.js';
import { startServerProcess } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const requestLines = (stdout: string, reqIdPrefix: string) =>
  stdout
    .split('\n')
    .filter((line) => line.includes(`"reqId":"${reqIdPrefix}`))
    .map((line) => JSON.parse(line) as { reqId: string; route: string; status: number });

describe('buffered log lines', () => {
  it('SIGTERM writes every request line still in the buffer before the process exits', async () => {
    // A flush interval far longer than the test: only the buffer filling up or the exit can write these lines.
    const server = await startServerProcess(tempDir('logway-logbuffer-'), { LOGWAY_LOG_FLUSH_MS: '60000', LOGWAY_LOG_BUFFER_BYTES: '16000' });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': `buffered-${i}` } });
      expect(res.status).toBe(200);
    }
    // Held: five short lines are far below 16,000 bytes.
    expect(requestLines(server.output().stdout, 'buffered-')).toEqual([]);
    server.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(requestLines(server.output().stdout, 'buffered-').map((l) => [l.reqId, l.route, l.status])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [`buffered-${i}`, '/healthz', 200]),
    );
    expect(server.output().stdout).toContain('shutting down');
  });

  it('writes a held line within logFlushMs on a gateway that is otherwise quiet', async () => {
    const server = await startServerProcess(tempDir('logway-logbuffer-'), { LOGWAY_LOG_FLUSH_MS: '50' });
    expect((await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'quiet-1' } })).status).toBe(200);
    await until('the request line to be written', () => requestLines(server.output().stdout, 'quiet-').length === 1);
  });

  it('a stdout nobody reads costs log lines, never the event loop: the overflow is dropped and counted in a warning', async () => {
    const server = await startServerProcess(tempDir('logway-logbuffer-'), { LOGWAY_LOG_FLUSH_MS: '20', LOGWAY_LOG_MAX_PENDING_BYTES: '65536' });
    const stdout = server.child.stdout!;
    let text = '';
    stdout.on('data', (chunk: string) => (text += chunk));
    // Stop reading: node's own buffer and then the pipe fill, and every later write finds the pipe full.
    stdout.pause();
    const requests = 3_000;
    const statuses: number[] = [];
    for (let sent = 0; sent < requests; sent += 20) {
      const batch = Array.from({ length: 20 }, (_, i) => fetch(`${server.url}/healthz`, { headers: { 'x-request-id': `stalled-${sent + i}` } }));
      for (const res of await Promise.all(batch)) statuses.push(res.status);
    }
    // Every request was answered while nobody read the output (~800 KB of lines against 64 KB pipe + 64 KB allowed to wait).
    expect(statuses).toEqual(Array(requests).fill(200));
    stdout.resume();
    const parse = () =>
      text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as { reqId?: string; level: string; msg: string; droppedLines?: number });
    const count = () => {
      const lines = parse();
      const reports = lines.filter((l) => l.msg.startsWith('log lines dropped'));
      const written = lines.filter((l) => l.reqId?.startsWith('stalled-')).length;
      return { reports, written, dropped: reports.reduce((sum, l) => sum + l.droppedLines!, 0) };
    };
    // Whole lines only: each request's line is either written intact (every line parses) or counted as dropped.
    await until('every request line to be written or reported dropped', () => {
      const { written, dropped } = count();
      return written + dropped === requests;
    });
    const { reports, written, dropped } = count();
    expect(reports.map((r) => r.level)).toContain('warn');
    expect(written).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  });

  it('logBufferBytes=0 writes each line as it is logged', async () => {
    const server = await startServerProcess(tempDir('logway-logbuffer-'), { LOGWAY_LOG_FLUSH_MS: '60000', LOGWAY_LOG_BUFFER_BYTES: '0' });
    expect((await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'unbuffered-1' } })).status).toBe(200);
    await until('the request line to be written', () => requestLines(server.output().stdout, 'unbuffered-').length === 1);
  });
});
