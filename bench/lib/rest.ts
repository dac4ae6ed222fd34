/** Small REST calls the scenarios need around the load itself. */
import { produceBody } from './records.js';

export async function requestJson<T = unknown>(url: string, method: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function createTopic(baseUrl: string, name: string, partitions: number): Promise<void> {
  const res = await requestJson(`${baseUrl}/v1/topics`, 'POST', { name, partitions });
  if (res.status !== 201) throw new Error(`create topic ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * Fills a topic with `count` records of the benchmark shape, through the gateway's
 * own produce endpoint (so the data is exactly what producers would have written),
 * with a few requests in flight.
 */
export async function fillTopic(baseUrl: string, topic: string, count: number, options: { batch?: number; inFlight?: number } = {}): Promise<void> {
  const batch = options.batch ?? 1000;
  const url = `${baseUrl}/v1/topics/${topic}/records`;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = Math.min(batch, count - next);
      const seed = next;
      next += n;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: produceBody(n, seed) });
      if (res.status !== 200) throw new Error(`fill ${topic}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: options.inFlight ?? 4 }, worker));
}

/**
 * The topic's high watermarks. A 503 (the JetStream store's partition query timing out on a cluster
 * still busy with the load just ended: seen once at load 10.7) is asked again, as a client would, for up
 * to 30 s; any other answer without offsets fails the scenario with what the gateway said.
 */
export async function highWatermarks(baseUrl: string, topic: string): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await requestJson<{ partitionOffsets?: { highWatermark: number }[] }>(`${baseUrl}/v1/topics/${topic}`, 'GET');
    if (res.status === 200 && res.body.partitionOffsets) return res.body.partitionOffsets.map((p) => p.highWatermark);
    if (res.status !== 503 || Date.now() > deadline) throw new Error(`describe ${topic}: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
