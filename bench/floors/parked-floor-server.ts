/**
 * Parked long-poll floor server (run as a child process): plain node:http doing the least a gateway
 * must do to hold N long-polls and wake them all. A GET is parked (its response kept in a list); a
 * POST is answered 200, then one prebuilt answer (the record just "produced", shaped and sized like
 * the gateway's) is written to every parked response in one loop. No routing, no query parsing, no
 * validation, no store, no fairness between producers and wake-ups.
 */
import http from 'node:http';

let parked: http.ServerResponse[] = [];
let nextOffset = 0;
const JSON_TYPE = { 'content-type': 'application/json' };

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    parked.push(res);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { records } = JSON.parse(Buffer.concat(chunks).toString()) as { records: { value: unknown }[] };
    const offset = nextOffset++;
    res.writeHead(200, JSON_TYPE).end(JSON.stringify({ records: [{ partition: 0, offset }] }));
    const answer = JSON.stringify({
      records: [{ topic: 'parked', partition: 0, offset, timestamp: Date.now(), key: null, value: records[0]!.value, headers: {} }],
      nextOffset: nextOffset,
      highWatermark: nextOffset,
      logStartOffset: 0,
    });
    const waking = parked;
    parked = [];
    for (const r of waking) r.writeHead(200, JSON_TYPE).end(answer);
  });
});

// The gateway's listen backlog (listenBacklog's default), so connection bursts are queued alike.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
