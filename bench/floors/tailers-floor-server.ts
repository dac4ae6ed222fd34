/**
 * REST tailers floor server (run as a child process): plain node:http doing the least a gateway must do
 * for single-record producers and tailers long-polling one partition. A POST's records are appended to
 * its topic's in-memory log (each kept as its delivered JSON, shaped like the gateway's) and answered
 * 200, then every poll parked on that topic is answered with the records from its offset. A GET
 * `…/records?offset=N` is answered at once when records are there (at most 1,000, as the tailers ask),
 * else parked. Answers at one offset share one body, built once. No routing, validation, store, fsync,
 * request log or metrics.
 */
import http from 'node:http';

const LIMIT = 1_000;
const JSON_TYPE = { 'content-type': 'application/json' };

interface Topic {
  log: string[];
  parked: { res: http.ServerResponse; offset: number }[];
  /** Answer bodies by offset, for the log's current length. */
  bodies: Map<number, string>;
}
const topics = new Map<string, Topic>();

function topicOf(url: string | undefined): Topic {
  const name = /\/topics\/([^/]+)\//.exec(url ?? '')?.[1] ?? '';
  let topic = topics.get(name);
  if (!topic) topics.set(name, (topic = { log: [], parked: [], bodies: new Map() }));
  return topic;
}

function body({ log, bodies }: Topic, offset: number): string {
  let built = bodies.get(offset);
  if (built === undefined) {
    const end = Math.min(log.length, offset + LIMIT);
    built = `{"records":[${log.slice(offset, end).join(',')}],"nextOffset":${end},"highWatermark":${log.length},"logStartOffset":0}`;
    bodies.set(offset, built);
  }
  return built;
}

const server = http.createServer((req, res) => {
  const topic = topicOf(req.url);
  const { log } = topic;
  if (req.method === 'GET') {
    const offset = Number(/[?&]offset=(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    if (offset < log.length) res.writeHead(200, JSON_TYPE).end(body(topic, offset));
    else topic.parked.push({ res, offset });
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { records } = JSON.parse(Buffer.concat(chunks).toString()) as { records: { value: unknown }[] };
    const first = log.length;
    for (const r of records) {
      log.push(JSON.stringify({ topic: 'tail', partition: 0, offset: log.length, timestamp: Date.now(), key: null, value: r.value, headers: {} }));
    }
    topic.bodies = new Map();
    res.writeHead(200, JSON_TYPE).end(JSON.stringify({ records: records.map((_, i) => ({ partition: 0, offset: first + i })) }));
    const waking = topic.parked;
    topic.parked = [];
    for (const p of waking) p.res.writeHead(200, JSON_TYPE).end(body(topic, p.offset));
  });
});

// The gateway's listen backlog (listenBacklog's default), so connection bursts are queued alike.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
