/**
 * Delivery floor server (run as a child process): a bare `ws` server. On
 * GET /broadcast?records=N&batch=B it serializes N records in frames of B, each
 * frame once, with the gateway's own record serializer and frame shape, and sends
 * every frame to every connected socket, pausing while any socket's send buffer is
 * above 1 MiB (the gateway's default high-water mark). It answers when all frames
 * are handed to the sockets; the bench times delivery at the clients.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { recordsToJson } from '../../src/core/record-codec.js';
import type { StoredRecord } from '../../src/storage/log-store.js';
import { valueText } from '../lib/records.js';

const HIGH_WATER_BYTES = 1024 * 1024;
const sockets = new Set<WebSocket>();

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  const total = Number(url.searchParams.get('records'));
  const batch = Number(url.searchParams.get('batch'));
  void broadcast(total, batch).then(() => res.writeHead(200).end(String(sockets.size)));
});

async function broadcast(total: number, batch: number): Promise<void> {
  const now = Date.now();
  for (let from = 0; from < total; from += batch) {
    while ([...sockets].some((ws) => ws.bufferedAmount > HIGH_WATER_BYTES)) await new Promise((r) => setTimeout(r, 1));
    const records: StoredRecord[] = [];
    for (let o = from; o < Math.min(total, from + batch); o++) {
      records.push({ offset: o, timestamp: now, key: null, value: valueText(o), headers: null });
    }
    const frame = `{"type":"records","records":${recordsToJson('bench', 0, records)}}`;
    for (const ws of sockets) ws.send(frame);
    // Let the sockets write between frames, as the gateway does between commits.
    await new Promise((r) => setImmediate(r));
  }
}

const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws) => {
  sockets.add(ws);
  ws.on('close', () => sockets.delete(ws));
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
