/**
 * Producers that remember when each record was sent and acknowledged, so delivery
 * latencies can be computed per offset afterwards (single-partition topics: the
 * response's positions name the offsets).
 */
import http from 'node:http';
import { produceBody } from './records.js';

export interface ProducedTimes {
  /** performance.now() at send, per offset (NaN: unknown). */
  sentAt: Float64Array;
  /** performance.now() at acknowledgement, per offset. */
  ackedAt: Float64Array;
  acked: number;
}

export function newProducedTimes(capacity: number): ProducedTimes {
  return { sentAt: new Float64Array(capacity).fill(NaN), ackedAt: new Float64Array(capacity).fill(NaN), acked: 0 };
}

/** Keep-alive HTTP/1.1 POSTs through node:http (lighter than fetch for many small requests). */
export class Producer {
  readonly #agent: http.Agent;
  readonly #url: URL;
  readonly #times: ProducedTimes;
  #seed = 0;

  constructor(baseUrl: string, topic: string, times: ProducedTimes, maxSockets = 8) {
    // A timeout of its own makes the agent honour the server's Keep-Alive hint (see bench/clients/long-polls.ts).
    this.#agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 600_000 });
    this.#url = new URL(`${baseUrl}/v1/topics/${topic}/records`);
    this.#times = times;
  }

  /** Sends `count` records in one request; resolves when acknowledged. */
  send(count: number): Promise<void> {
    const body = produceBody(count, this.#seed);
    this.#seed += count;
    const sentAt = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.#url,
        { method: 'POST', agent: this.#agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ackedAt = performance.now();
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200) return reject(new Error(`produce: ${res.statusCode} ${text.slice(0, 200)}`));
            const { records } = JSON.parse(text) as { records: { offset: number }[] };
            for (const r of records) {
              if (r.offset < this.#times.sentAt.length) {
                this.#times.sentAt[r.offset] = sentAt;
                this.#times.ackedAt[r.offset] = ackedAt;
              }
            }
            this.#times.acked += records.length;
            resolve();
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
